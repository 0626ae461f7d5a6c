import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import type { JsonLogger } from '../logger';
import { token } from './typed-provider';
import type { ServiceReadiness } from './health.controller';

/** Injection tokens every service shares; each names the type it provides (see `factory`). */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = token<JsonLogger>('LOGGER');
export const PG_POOL = token<Pool>('PG_POOL');
export const NATS = token<NatsConnection>('NATS');
/** optional: `{ probes, details }` a service adds to its readiness check */
export const READINESS = token<ServiceReadiness>('READINESS');
