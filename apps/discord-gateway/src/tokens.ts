/** Injection tokens for providers that are not classes. */
export const CONFIG = Symbol('CONFIG');
export const PG_POOL = Symbol('PG_POOL');
export const NATS = Symbol('NATS');
export const LOGGER = Symbol('LOGGER');
