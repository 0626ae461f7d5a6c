import { ErrorCodes, newEvent } from '@sacp/events';
import { DomainError } from '../domain-error';
import type { StreamAppend } from './agent.decide';
import { alertStreamId, type AlertState } from './agent.state';

/** An operator acknowledges the open alert of a key; `alertId` is the id of its raise, which the caller read from the stream. */
export interface AcknowledgeAlertCommand {
  type: 'acknowledge';
  key: string;
  alertId: string;
  agentId: string | null;
  note: string | null;
}

/**
 * Only an open alert can be acknowledged: a key never raised is unknown, a resolved
 * one is over. A second acknowledgement of the same open alert records nothing.
 */
export function decideAlertAcknowledge(command: AcknowledgeAlertCommand, state: AlertState): { appends: StreamAppend[]; changed: boolean } {
  const { key, alertId, agentId, note } = command;
  if (state.version === 0) throw new DomainError(ErrorCodes.ALERT_NOT_FOUND, `no alert with key "${key}" was raised; see the open alerts for their keys`, { key });
  if (!state.open) throw new DomainError(ErrorCodes.ALERT_RESOLVED, `the alert "${key}" is resolved already; only an open alert can be acknowledged`, { key });
  if (state.acknowledged) return { appends: [], changed: false };
  return {
    appends: [{ streamId: alertStreamId(key), expectedVersion: state.version, events: [newEvent('alert.acknowledged', { key, alertId, agentId, note })] }],
    changed: true,
  };
}
