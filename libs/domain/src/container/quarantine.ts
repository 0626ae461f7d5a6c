import { newEvent, type NewKnownEvent, type ContainerQuarantinedDataV1 } from '@sacp/events';

/** One stream per quarantined container. */
export const quarantineStreamId = (containerId: string) => `quarantine-${containerId}`;
export const quarantineAlertKey = (containerId: string) => `container:${containerId}:quarantine`;

export interface QuarantineState {
  version: number;
  quarantined: ContainerQuarantinedDataV1 | null;
  removed: boolean;
}

export const initialQuarantineState = (): QuarantineState => ({ version: 0, quarantined: null, removed: false });

export function evolveQuarantine(s: QuarantineState, e: { type: string; data: unknown }): QuarantineState {
  switch (e.type) {
    case 'container.quarantined':
      return { version: s.version + 1, quarantined: e.data as ContainerQuarantinedDataV1, removed: false };
    case 'container.quarantine_removed':
      return { ...s, version: s.version + 1, removed: true };
    default:
      return { ...s, version: s.version + 1 };
  }
}

/** Docker names: at most 255 characters of [a-zA-Z0-9_.-]; the prefix says why it stopped. */
export function quarantinedName(name: string): string {
  return name.startsWith('sacp-quarantined-') ? name : `sacp-quarantined-${name}`.slice(0, 200);
}

export type QuarantineStep = { kind: 'quarantine' } | { kind: 'remove'; by: 'grace_period' | 'operator' } | { kind: 'wait'; until: string } | { kind: 'none' };

/**
 * What to do with a container that carries this control plane's own labels but
 * belongs to no agent the store knows. Never removed on first sight: quarantined,
 * then removed once `removeAfter` has passed. Pure: `now` is an input.
 */
export function planQuarantine(state: QuarantineState, now: string): QuarantineStep {
  if (!state.quarantined) return { kind: 'quarantine' };
  if (state.removed) return { kind: 'remove', by: 'grace_period' }; // recorded as removed but still there: finish the job, record nothing new
  if (state.quarantined.removeAfter <= now) return { kind: 'remove', by: 'grace_period' };
  return { kind: 'wait', until: state.quarantined.removeAfter };
}

export function quarantineEvent(data: ContainerQuarantinedDataV1): NewKnownEvent {
  return newEvent('container.quarantined', data);
}
