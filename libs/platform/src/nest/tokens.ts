import type { Pool } from 'pg';
import type { JsonLogger } from '../logger';
import type { ServiceReadiness } from '../readiness';

/**
 * An injection token that names the type it provides, so that `factory()` checks a
 * factory's parameters against what it injects (a bare symbol says nothing).
 */
export type Token<T> = symbol & { readonly __provides?: T };

const token = <T>(name: string) => Symbol(name) as Token<T>;

/** Injection tokens every service shares. */
/** the service's configuration, as its `loadConfig` read it (each service has its own type) */
export const CONFIG = token<unknown>('CONFIG');
export const LOGGER = token<JsonLogger>('LOGGER');
export const PG_POOL = token<Pool>('PG_POOL');
/** the NATS connection: defined with the bus (BusModule provides it), named here with the other shared tokens */
export { NATS } from '@sacp/bus';
/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = token<ServiceReadiness>('READINESS');
