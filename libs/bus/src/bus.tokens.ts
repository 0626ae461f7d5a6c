import type { NatsConnection } from '@nats-io/nats-core';

/**
 * The service's NATS connection (a `NatsConnection`), for what the typed client does
 * not cover: JetStream, subscriptions, health. Typed like the platform's tokens
 * (`Token<NatsConnection>`), so typed factories check what they inject.
 */
export const NATS = Symbol('NATS') as symbol & { readonly __provides?: NatsConnection };
