import type { AgentStatusView } from '../../../libs/events/src/queries';

/**
 * Eight hex digits of an id, enough to tell agents apart in a table. The last ones:
 * ids are UUIDv7, whose first digits are a timestamp shared by everything made in
 * the same minute.
 */
export const shortId = (id: string | null | undefined): string => (id ? id.replace(/-/g, '').slice(-8) : '-');

/** Docker's short container id. */
export const shortContainer = (id: string | null | undefined): string => (id ? id.slice(0, 12) : '-');

export const templateLabel = (t: AgentStatusView['template']): string => (t ? `${t.name}@${t.version}` : '(adopted)');

/** A timestamp as local-free, sortable UTC without milliseconds: 2025-01-31 14:02:09Z. */
export const timeLabel = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

export const dash = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? '-' : s);

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** What scripts get for one agent after a lifecycle command. */
export function agentSummary(view: AgentStatusView) {
  return {
    agentId: view.id,
    name: view.name,
    template: view.template,
    state: view.state,
    containerId: view.containerId,
    restarts: view.restarts,
    lastError: view.lastError,
  };
}
