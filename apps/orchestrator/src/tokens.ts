/** Injection tokens of the orchestrator's own; the shared ones are in libs/platform/src/nest/tokens. */
export const POLICY = Symbol('POLICY');
