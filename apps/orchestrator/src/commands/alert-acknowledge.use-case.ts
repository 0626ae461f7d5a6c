import { alertStreamId, decideAlertAcknowledge, DomainError, evolveAlert, type AlertState, type EvolvableEvent } from '@sacp/domain';
import type { EventStore } from '@sacp/event-store';
import { ErrorCodes, type AcknowledgeAlertPayloadV1, type AlertRaisedDataV1, type CommandEnvelope } from '@sacp/events';
import type { AlertsReader } from '../queries/alerts.reader';
import type { UseCaseOutcome } from './command-pipeline';

/**
 * alert.acknowledge: decided on the alert's stream (`alert-<key>`). By id, the alert
 * must be the key's open one: an older alert of the same key is over.
 */
export async function acknowledgeAlert(cmd: CommandEnvelope<AcknowledgeAlertPayloadV1>, deps: { store: EventStore; alerts: AlertsReader }): Promise<UseCaseOutcome> {
  const { alertId: askedId, note } = cmd.payload;
  let key = cmd.payload.key;
  if (askedId !== undefined) {
    key = (await deps.alerts.keyOf(askedId)) ?? undefined;
    if (key === undefined) throw new DomainError(ErrorCodes.ALERT_NOT_FOUND, `no alert with id "${askedId}" was raised`, { alertId: askedId });
  }
  const events = await deps.store.readStream(alertStreamId(key!));
  const state = events.reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), { open: false, version: 0 } as AlertState);
  const raise = [...events].reverse().find((e) => e.type === 'alert.raised');
  if (askedId !== undefined && raise && raise.eventId !== askedId)
    throw new DomainError(ErrorCodes.ALERT_RESOLVED, `the alert ${askedId} ("${key}") is resolved already; the open alert of that key is ${raise.eventId}`, {
      alertId: askedId,
      key,
    });
  const decision = decideAlertAcknowledge(
    { type: 'acknowledge', key: key!, alertId: raise?.eventId ?? '', agentId: (raise?.data as AlertRaisedDataV1 | undefined)?.agentId ?? null, note: note ?? null },
    state,
  );
  return { appends: decision.appends, result: { key: key!, alertId: raise!.eventId, changed: decision.changed }, target: `alert "${key}"` };
}
