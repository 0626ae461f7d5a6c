import { newEvent, type NewKnownEvent, type AlertRaisedDataV1 } from '@sacp/events';
import { alertStreamId, type AlertState } from './agent.state';
import type { StreamAppend } from './agent.decide';

export type AlertCommand = { type: 'raise'; alert: AlertRaisedDataV1 } | { type: 'resolve'; key: string; agentId: string | null; message: string };

/** One open alert per key: a repeat while it is open, or a resolve of a closed one, records nothing. */
export function decideAlert(command: AlertCommand, state: AlertState): { appends: StreamAppend[]; changed: boolean } {
  const key = command.type === 'raise' ? command.alert.key : command.key;
  const append = (event: NewKnownEvent) => ({ appends: [{ streamId: alertStreamId(key), expectedVersion: state.version, events: [event] }], changed: true });
  if (command.type === 'raise') {
    if (state.open) return { appends: [], changed: false };
    return append(newEvent('alert.raised', command.alert));
  }
  if (!state.open) return { appends: [], changed: false };
  return append(newEvent('alert.resolved', { key, agentId: command.agentId, message: command.message }));
}
