import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import type { JsonLogger } from '../logger';
import type { ReadinessCheck } from '../readiness';
import { token } from './typed-provider';

/** Injection tokens every service shares; each names the type it provides (see `factory`). */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = token<JsonLogger>('LOGGER');
export const PG_POOL = token<Pool>('PG_POOL');
export const NATS = token<NatsConnection>('NATS');
/** What a service adds to the shared readiness check. */
export interface ServiceReadiness {
  probes?: Record<string, ReadinessCheck>;
  details?: () => Record<string, unknown>;
}

/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = token<ServiceReadiness>('READINESS');
