import type { ContainerPolicy } from '@sacp/domain';
import type { Token } from '@sacp/platform';

/** Injection tokens of the orchestrator's own; the shared ones are in libs/platform/src/nest/tokens. */
export const POLICY = Symbol('POLICY') as Token<ContainerPolicy>;
