/**
 * Command ids the control plane derives itself (the monitor's idle stops, health
 * reports, threshold alerts and recovery; see apps/monitor). They are predictable,
 * so only the system may use them: another sender who took one first would turn the
 * monitor's later command into a "duplicate" of theirs.
 */
export const SYSTEM_COMMAND_ID_PREFIXES = ['idle:', 'health:', 'threshold:', 'recovery:', 'alert:', 'alert-resolve:'] as const;

/** The reserved prefix `commandId` starts with, or null. */
export const reservedCommandIdPrefix = (commandId: string): string | null => SYSTEM_COMMAND_ID_PREFIXES.find((p) => commandId.startsWith(p)) ?? null;

/** JSON with object keys sorted at every level: equal payloads give equal text whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
