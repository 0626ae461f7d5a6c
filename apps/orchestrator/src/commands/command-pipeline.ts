import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PayloadLimitError } from '@sacp/bus';
import { DomainError } from '@sacp/domain';
import {
  type AuditEntry,
  CommandAudit,
  ConcurrencyError,
  StoreUnavailableError,
  checkBinding,
  CommandIdReusedError,
  type CommandBinding,
  type AppendRequest,
  EventStore,
  type StoreTransaction,
} from '@sacp/event-store';
import {
  ErrorCodes,
  jsonBytes,
  Limits,
  overLimitMessage,
  CommandContracts,
  CommandEnvelopeSchema,
  canonicalJson,
  commandIdReservation,
  type CommandEnvelope,
  type CommandType,
  type EventMetadata,
  type CommandReply,
  describeIssues,
  validate,
} from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { wireError } from '../bus/wire-errors';

/** What a use case decided: the appends and what the reply reports. */
export interface UseCaseOutcome {
  appends: AppendRequest[];
  result: Record<string, unknown>;
  /** how a conflict on these appends is described to the user, e.g. `agent "coder-1"` */
  target: string;
  /** writes that commit with the events, in the same transaction */
  alsoInTransaction?: (tx: StoreTransaction) => Promise<void>;
  /** runs after the commit (e.g. a projection rebuild); its result is merged into the reply */
  afterCommit?: () => Promise<Record<string, unknown>>;
}

export type UseCase = (command: CommandEnvelope<never>) => Promise<UseCaseOutcome>;

type Reply = CommandReply;
/** How a failed command ends: with the reply of its twin decided first (a duplicate), or with the error its sender is told. */
type Failure = { reply: Reply } | { error: unknown };

/**
 * The one path every command takes: validate → deduplicate → decide → append →
 * reply, with an audit entry for each outcome. A command is "accepted" only after
 * the Postgres commit. A refusal is audited here and thrown; the exception filter
 * turns it into the reply.
 */
@Injectable()
export class CommandPipeline {
  private readonly clock = () => new Date();

  constructor(
    private readonly store: EventStore,
    private readonly audit: CommandAudit,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async handle(subjectType: string, body: unknown, useCase: UseCase): Promise<Reply> {
    if (body instanceof PayloadLimitError) {
      // a command nobody could read is still a command received: the audit trail has it
      await this.recordUnread(subjectType, body.code, body.message);
      throw body;
    }
    const envelope = validate(CommandEnvelopeSchema, body);
    if (!envelope.ok) {
      const commandId = typeof (body as { commandId?: unknown })?.commandId === 'string' ? (body as { commandId: string }).commandId : null;
      return this.malformed(commandId, subjectType, body, `malformed command: ${describeIssues(envelope.issues)}`, { issues: envelope.issues });
    }
    const cmd = envelope.value;
    if (cmd.type !== subjectType) return this.malformed(cmd.commandId, subjectType, body, `command type "${cmd.type}" was sent on the subject for "${subjectType}"`);
    const contract = CommandContracts[cmd.type as CommandType];
    if (!contract) return this.malformed(cmd.commandId, cmd.type, body, `unknown command type "${cmd.type}"`, {}, ErrorCodes.COMMAND_UNKNOWN);
    if (cmd.version !== contract.version)
      return this.malformed(cmd.commandId, cmd.type, body, `${cmd.type} version ${cmd.version} is not supported; send version ${contract.version}`);
    const payload = validate(contract.payload, cmd.payload);
    if (!payload.ok) return this.malformed(cmd.commandId, cmd.type, body, `invalid ${cmd.type} payload: ${describeIssues(payload.issues)}`, { issues: payload.issues });
    const command = { ...cmd, payload: payload.value } as CommandEnvelope<never>;

    const redacted =
      'redact' in contract
        ? Object.fromEntries(Object.entries(payload.value as object).map(([k, v]) => [k, (contract.redact as readonly string[]).includes(k) ? '[redacted]' : v]))
        : payload.value;
    const auditBase = { commandId: cmd.commandId, commandType: cmd.type, actor: cmd.actor, source: cmd.source, reason: cmd.reason ?? null, payload: redacted };
    const reserved = commandIdReservation(cmd.commandId);
    if (reserved && cmd.actor.kind !== reserved.kind) {
      const owner = reserved.kind === 'system' ? "the control plane's own commands" : `commands from ${reserved.kind}`;
      const message = `command ids starting with "${reserved.prefix}" are reserved for ${owner}; send this one with another command id`;
      await this.audit.record({ ...auditBase, outcome: 'refused', errorCode: ErrorCodes.COMMAND_ID_RESERVED, message }).catch(() => undefined);
      throw new DomainError(ErrorCodes.COMMAND_ID_RESERVED, message, { prefix: reserved.prefix, reservedFor: reserved.kind });
    }
    // The id is bound to this command: its type, its payload (secret values redacted: their hash would be a way to
    // guess them) and its sender's kind. An id the system derives from a cause names that cause already, and two
    // monitor replicas answering it may word their payloads differently (a jittered delay, a probe's output): the
    // second is a duplicate, so such ids bind type and sender kind only.
    const binding: CommandBinding = {
      commandType: cmd.type,
      payloadHash:
        reserved?.kind === 'system'
          ? null
          : createHash('sha256')
              .update(canonicalJson({ version: cmd.version, payload: redacted }))
              .digest('hex'),
      actorKind: cmd.actor.kind,
    };
    try {
      const seen = await this.store.findCommand(cmd.commandId);
      if (seen) {
        checkBinding(cmd.commandId, seen, binding);
        await this.audit.record({ ...auditBase, outcome: 'duplicate' });
        return { ...(seen.reply as Reply), duplicate: true };
      }
      const outcome = await useCase(command);
      assertEventSizes(outcome.appends);
      const metadata: EventMetadata = {
        commandId: cmd.commandId,
        correlationId: cmd.correlationId ?? cmd.commandId,
        causationId: cmd.causationId ?? null,
        actor: cmd.actor,
        source: cmd.source,
        reason: cmd.reason ?? null,
        occurredAt: this.clock().toISOString(),
      };
      const metadataBytes = jsonBytes(metadata);
      if (metadataBytes > Limits.EVENT_METADATA_MAX_BYTES)
        throw new DomainError(ErrorCodes.EVENT_TOO_LARGE, overLimitMessage("the events' metadata", metadataBytes, 'EVENT_METADATA_MAX_BYTES'), {
          size: metadataBytes,
          limit: Limits.EVENT_METADATA_MAX_BYTES,
        });
      const appended = await this.store
        .append(
          outcome.appends,
          metadata,
          {
            commandId: cmd.commandId,
            commandType: cmd.type,
            payloadHash: binding.payloadHash,
            actorKind: binding.actorKind,
            buildReply: (events): Reply => ({
              ok: true,
              commandId: cmd.commandId,
              duplicate: false,
              result: outcome.result,
              events: events.map((e) => ({ eventId: e.eventId, type: e.type, streamId: e.streamId, streamPosition: e.streamPosition })),
            }),
          },
          outcome.alsoInTransaction,
        )
        .catch((err: unknown) => {
          throw err instanceof ConcurrencyError ? conflict(err, outcome.target) : err;
        });
      if (appended.duplicate) {
        await this.audit.record({ ...auditBase, outcome: 'duplicate' });
        return { ...(appended.reply as Reply), duplicate: true };
      }
      await this.audit.record({ ...auditBase, outcome: 'accepted' });
      let reply = appended.reply as Reply;
      if (outcome.afterCommit && reply.ok) reply = { ...reply, result: { ...reply.result, ...(await outcome.afterCommit()) } };
      this.log.info('command accepted', { commandId: cmd.commandId, type: cmd.type, actor: cmd.actor.id, events: appended.events.length });
      return reply;
    } catch (err) {
      const failure = await this.failure(err, cmd, auditBase, binding).catch((again: unknown) => this.failure(again, cmd, auditBase, binding));
      if ('reply' in failure) return failure.reply;
      throw failure.error;
    }
  }

  /** Audits a failed command by its kind of failure; a rejection is stored under the command id unless a twin's was first. */
  private async failure(err: unknown, cmd: { commandId: string; type: string }, auditBase: Omit<AuditEntry, 'outcome'>, binding: CommandBinding): Promise<Failure> {
    const error = err instanceof ConcurrencyError ? conflict(err, err.streamId) : err;
    const wire = wireError(error);
    if (error instanceof CommandIdReusedError) {
      // nothing was recorded under the id: it stays the first command's
      await this.audit.record({ ...auditBase, outcome: 'refused', errorCode: wire.code, message: wire.message }).catch(() => undefined);
      this.log.warn('command id reused for another command', { commandId: cmd.commandId, type: cmd.type, firstType: error.first.commandType, mismatch: error.mismatch });
    } else if (error instanceof CommandConflictError) {
      await this.audit.record({ ...auditBase, outcome: 'conflict', errorCode: wire.code, message: wire.message }).catch(() => undefined);
    } else if (error instanceof DomainError) {
      // a twin of this command (another delivery, another replica) may have been decided first: its outcome stands
      const stored = await this.store.recordRejection(cmd.commandId, binding, { ok: false, commandId: cmd.commandId, duplicate: false, error: wire } satisfies Reply);
      if (!stored.first) {
        await this.audit.record({ ...auditBase, outcome: 'duplicate' });
        return { reply: { ...(stored.reply as Reply), duplicate: true } };
      }
      await this.audit.record({ ...auditBase, outcome: 'rejected', errorCode: wire.code, message: wire.message });
      this.log.info('command rejected', { commandId: cmd.commandId, type: cmd.type, code: wire.code });
    } else if (error instanceof StoreUnavailableError) {
      this.log.error('event store unavailable', { commandId: cmd.commandId, type: cmd.type, error: error.message });
    } else if (wire.code === ErrorCodes.INTERNAL) {
      this.log.error('command failed', { commandId: cmd.commandId, type: cmd.type, error });
      await this.audit.record({ ...auditBase, outcome: 'failed', errorCode: wire.code, message: (error as Error)?.message ?? String(error) }).catch(() => undefined);
    } else {
      // Docker, the bus, a template or secret store that failed underneath: not the command's fault, and no decision was recorded
      await this.audit.record({ ...auditBase, outcome: 'failed', errorCode: wire.code, message: wire.message }).catch(() => undefined);
    }
    return { error };
  }

  /** Puts a command refused before it could be read (over the size limit) in the audit trail; never fails. */
  /** Recorded before the reply, like every other outcome: a sender who saw the refusal finds it in the audit. */
  async recordUnread(commandType: string | null, code: string, message: string): Promise<void> {
    await this.audit.record({ commandId: null, commandType, actor: null, source: null, outcome: 'malformed', errorCode: code, message }).catch(() => undefined);
  }

  private async malformed(
    commandId: string | null,
    type: string,
    body: unknown,
    message: string,
    details: Record<string, unknown> = {},
    code: (typeof ErrorCodes)[keyof typeof ErrorCodes] = ErrorCodes.COMMAND_MALFORMED,
  ): Promise<never> {
    await this.audit
      .record({
        commandId,
        commandType: type,
        actor: null,
        source: null,
        outcome: 'malformed',
        errorCode: code,
        message,
        // a payload that may hold a secret (a secret's value, a password) is not kept when it cannot be redacted field by field
        payload: typeof body === 'symbol' || holdsSecrets(type) ? null : body,
      })
      .catch(() => undefined);
    throw new DomainError(code, message, details);
  }
}

const holdsSecrets = (type: string): boolean => type.startsWith('secret.') || 'redact' in ((CommandContracts as Record<string, object>)[type] ?? {});

/**
 * Two commands changed the same stream at once: nothing of this one was recorded, so
 * unlike a rejection it is not stored under the command id, and a retry with the same
 * id decides again on fresh state.
 */
class CommandConflictError extends Error {
  override readonly name = 'CommandConflictError';
  readonly code = ErrorCodes.AGENT_CONFLICT;
  constructor(
    message: string,
    readonly details: { streamId: string; target: string },
  ) {
    super(message);
  }
}

function conflict(err: ConcurrencyError, target: string): CommandConflictError {
  const message = `${target} was changed by another command at the same time (stream ${err.streamId} is at version ${err.actualVersion}, this command expected ${err.expectedVersion}); nothing was recorded: check its state and retry`;
  return new CommandConflictError(message, { streamId: err.streamId, target });
}

/** Refuses events whose data is over Limits.EVENT_DATA_MAX_BYTES before anything is written. */
function assertEventSizes(appends: AppendRequest[]): void {
  for (const a of appends)
    for (const e of a.events) {
      const size = jsonBytes(e.data);
      if (size > Limits.EVENT_DATA_MAX_BYTES)
        throw new DomainError(ErrorCodes.EVENT_TOO_LARGE, overLimitMessage(`the data of event ${e.type}`, size, 'EVENT_DATA_MAX_BYTES'), {
          type: e.type,
          size,
          limit: Limits.EVENT_DATA_MAX_BYTES,
        });
    }
}
