import type { ErrorCode } from '@sacp/events';

/** A refusal the domain can explain: a stable code, a sentence for people, and details for tools. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
