import { DomainError } from '@sacp/domain';
import type { EventStore } from '@sacp/event-store';
import { COMMAND_ENTRIES_MAX, ErrorCodes, type CommandView } from '@sacp/events';
import { auditView } from './audit-page';
import type { CommandAuditReader } from './audit.reader';

type ReplyEvents = { events?: CommandView['events'] } | null;

/** What became of one command: the audit entries of its id and the events its stored reply lists. */
export async function readCommand(d: { audit: CommandAuditReader; store: EventStore }, commandId: string): Promise<CommandView> {
  const rows = await d.audit.ofCommand(commandId, COMMAND_ENTRIES_MAX);
  if (!rows.length) throw new DomainError(ErrorCodes.COMMAND_NOT_FOUND, `no command with id "${commandId}" was received`, { commandId });
  const entries = rows.map(auditView);
  const first = entries.find((e) => e.outcome !== 'duplicate') ?? entries[0]!;
  const stored = await d.store.findCommand(commandId);
  const events = (stored?.reply as ReplyEvents)?.events;
  return {
    commandId,
    commandType: first.commandType,
    outcome: first.outcome,
    errorCode: first.errorCode,
    message: first.message,
    actor: first.actor,
    at: first.at,
    entries,
    events: Array.isArray(events) ? events.map((e) => ({ eventId: e.eventId, type: e.type, streamId: e.streamId, streamPosition: e.streamPosition })) : [],
  };
}
