import { Catch } from '@nestjs/common';
import { toWireError, type WireErrorMapping } from '@sacp/bus';
import { BusExceptionFilter } from '@sacp/bus/nest';
import { CommandIdReusedError } from '@sacp/event-store';
import type { WireError } from '@sacp/events';

/**
 * The orchestrator's error types whose wire form is more than their code and message.
 * Every other error is mapped by the shared rules (toWireError): DomainError,
 * DockerError, BusError, StoreUnavailableError and PayloadLimitError carry their own
 * code; anything else is INTERNAL.
 */
const orchestratorErrors: WireErrorMapping = (err) => {
  if (err instanceof CommandIdReusedError)
    return { code: err.code, message: err.message, details: { first: { type: err.first.commandType, at: err.first.recordedAt }, differs: err.mismatch } };
  return undefined;
};

/** The wire error of anything the orchestrator's handlers throw: what the filter replies, the pipeline stores and audits, and the metrics count. */
export const wireError = (err: unknown): WireError => toWireError(err, orchestratorErrors);

/** The orchestrator's one exception filter: every error of a bus handler becomes its wire reply here. */
@Catch()
export class WireExceptionFilter extends BusExceptionFilter {
  protected override readonly mapping = orchestratorErrors;
}
