import { ErrorCodes, type ResourceAmounts } from '@sacp/events';
import { DomainError } from '../domain-error';
import { addAmounts } from './team-config.parse';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Bytes in the templates' own units: "640m", "1.5g", "512k". */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB && bytes % (GIB / 4) === 0) return `${bytes / GIB}g`;
  if (bytes % MIB === 0) return `${bytes / MIB}m`;
  if (bytes >= MIB) return `${Math.round((bytes / MIB) * 100) / 100}m`;
  return `${Math.round((bytes / 1024) * 100) / 100}k`;
}

const RESOURCES = ['memory', 'cpus', 'pids'] as const;
type Resource = (typeof RESOURCES)[number];
const show = (r: Resource, n: number): string => (r === 'memory' ? formatBytes(n) : String(n));

/** The resources over the quota if `asked` came on top of `used` (empty: it fits). */
export function overQuota(used: ResourceAmounts, asked: ResourceAmounts, quota: ResourceAmounts): Resource[] {
  const total = addAmounts(used, asked);
  return RESOURCES.filter((r) => total[r] > quota[r] + (r === 'cpus' ? 1e-9 : 0));
}

/**
 * Refuses what would take the members' limits past the team's quota, with the numbers
 * for each resource: used (the members now), asked (what comes), quota. The details
 * carry them as plain numbers (bytes, CPUs, pids) for tools.
 */
export function assertWithinQuota(team: string, what: string, used: ResourceAmounts, asked: ResourceAmounts, quota: ResourceAmounts): void {
  const over = overQuota(used, asked, quota);
  if (!over.length) return;
  const total = addAmounts(used, asked);
  const parts = over.map((r) => `${r} ${show(r, used[r])} used + ${show(r, asked[r])} asked = ${show(r, total[r])} > ${show(r, quota[r])} quota`);
  throw new DomainError(
    ErrorCodes.TEAM_QUOTA_EXCEEDED,
    `${what} would exceed the quota of team "${team}": ${parts.join('; ')}. Raise the quota (sacp team change ${team} --memory/--cpus/--pids) or remove a member first`,
    { team, exceeded: over, used, asked, quota },
  );
}
