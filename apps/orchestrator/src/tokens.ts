import type { ContainerPolicy } from '@sacp/domain';
import type { Token } from '@sacp/platform/nest';

/** Injection tokens of the orchestrator's own; the shared ones are in libs/platform/src/nest/tokens. */
export const POLICY = Symbol('POLICY') as Token<ContainerPolicy>;
/** the subscription that publishes append hints on the bus (its value stops it) */
export const APPEND_HINTS = Symbol('APPEND_HINTS') as Token<() => void>;
