import type { JsonLogger } from '../logger';
import type { ReadinessCheck, ServiceReadiness } from '../readiness';

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
/** optional: a service's Postgres readiness check, provided with its DataSource (DatabaseModule in @sacp/event-store) */
export const DATABASE_READINESS = token<ReadinessCheck>('DATABASE_READINESS');
/** the NATS connection: defined with the bus (BusModule provides it), named here with the other shared tokens */
export { NATS } from '@sacp/bus';
/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = token<ServiceReadiness>('READINESS');
