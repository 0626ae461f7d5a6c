import type { AgentStatusView } from '@sacp/events';

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

/** A point in time relative to `now`, coarse as a human would say it: "in 8s", "in 2m 05s", "due now", "3s ago". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return '-';
  if (Math.abs(ms) < 500) return 'due now';
  const span = duration(Math.abs(ms));
  return ms > 0 ? `in ${span}` : `${span} ago`;
}

/** 0.4s, 8s, 2m 05s, 1h 03m. */
export function duration(ms: number): string {
  if (ms < 10_000 && ms % 1000 !== 0) return `${(Math.round(ms / 100) / 10).toString()}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Bytes in binary units, three significant digits at most: 512B, 8.4MiB, 64MiB, 1.5GiB. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || v >= 100 ? String(Math.round(v)) : v >= 10 ? v.toFixed(0) : v.toFixed(1);
  return `${text.replace(/\.0$/, '')}${units[i]}`;
}

/** "12.5%", "0.3%", "150%" (a container may use more than one core). */
export const percent = (p: number): string => `${p >= 100 ? Math.round(p) : p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;

/** Cuts a one-line text to n characters, marking the cut. */
export const truncate = (s: string, n: number): string => {
  const line = s.replace(/\s*\n\s*/g, ' ');
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
};
