/** Injection tokens every service shares. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
/** optional: a service's Postgres readiness check (`() => Promise`), provided with its DataSource */
export const DATABASE_READINESS = Symbol('DATABASE_READINESS');
export const NATS = Symbol('NATS');
/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = Symbol('READINESS');
