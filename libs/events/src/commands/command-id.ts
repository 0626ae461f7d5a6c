import type { Actor } from '../metadata';

/**
 * Command ids the control plane derives itself, and the only actor kind that may use
 * each: the monitor's idle stops, health reports, threshold alerts and recovery (see
 * apps/monitor), and the Discord gateway's ids made of a message or interaction id.
 * They are predictable, so another sender who took one first would turn the rightful
 * sender's command into a "duplicate" of theirs.
 */
export const RESERVED_COMMAND_ID_PREFIXES: Readonly<Record<string, Actor['kind']>> = {
  'idle:': 'system',
  'health:': 'system',
  'threshold:': 'system',
  'recovery:': 'system',
  'alert:': 'system',
  'alert-resolve:': 'system',
  'discord-': 'discord',
  'task-start:': 'system',
  'subtask:': 'agent',
};

/** The reserved prefix `commandId` starts with and the actor kind it is kept for, or null. */
export function commandIdReservation(commandId: string): { prefix: string; kind: Actor['kind'] } | null {
  const prefix = Object.keys(RESERVED_COMMAND_ID_PREFIXES).find((p) => commandId.startsWith(p));
  return prefix ? { prefix, kind: RESERVED_COMMAND_ID_PREFIXES[prefix]! } : null;
}

/** JSON with object keys sorted at every level: equal payloads give equal text whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
