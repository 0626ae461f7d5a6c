/** Injection tokens every service shares. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const PG_POOL = Symbol('PG_POOL');
export const NATS = Symbol('NATS');
/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = Symbol('READINESS');
