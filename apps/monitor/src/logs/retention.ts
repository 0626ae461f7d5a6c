import type { LogVolumeBucket } from '@sacp/event-store';

/** How long and how much of the collected logs is kept. */
export interface RetentionPolicy {
  maxAgeMs: number;
  /** the estimated stored size: each line's text and LINE_OVERHEAD_BYTES */
  maxBytes: number;
}

/**
 * What a stored line costs beside its text: its fields (the 64-character container id
 * among them), the tuple header, the stored tsvector and its entries in the four
 * indexes. Measured at about 1,050 bytes for 60-byte lines
 * (test/integration/event-store/agent-logs.test.ts prints it); a little less is
 * counted, as longer lines share the fixed part.
 */
export const LINE_OVERHEAD_BYTES = 1000;

/** What the prune does to one team's lines ('' = lines of agents in no team). */
export interface PrunePlan {
  team: string;
  /** lines before this time go (age) */
  olderThan: string;
  /** the size limit: lines of minutes before `minute` go, and within `minute` only `keepBytes` of the newest stay */
  sizeCut: { minute: string; keepBytes: number } | null;
}

/**
 * The prune's plan from the volume per team and minute (newest first): the age limit
 * for every team, and for a team over its size, the minute where its newest lines
 * reach the limit. `policyFor` gives each team its policy: the team's `logRetention`
 * where it sets a limit, else the global one (SACP_LOG_RETENTION_DAYS, SACP_LOG_RETENTION_MB).
 */
export function planPrune(buckets: LogVolumeBucket[], policyFor: (team: string) => RetentionPolicy, now: Date): PrunePlan[] {
  const byTeam = new Map<string, LogVolumeBucket[]>();
  for (const b of buckets) {
    const list = byTeam.get(b.team) ?? [];
    list.push(b);
    byTeam.set(b.team, list);
  }
  const plans: PrunePlan[] = [];
  for (const [team, list] of byTeam) {
    const policy = policyFor(team);
    const olderThan = new Date(now.getTime() - policy.maxAgeMs).toISOString();
    let total = 0;
    let sizeCut: PrunePlan['sizeCut'] = null;
    for (const b of [...list].sort((x, y) => (x.minute < y.minute ? 1 : x.minute > y.minute ? -1 : 0))) {
      if (b.minute < olderThan.slice(0, 16)) break; // the age cut takes these anyway
      const size = b.bytes + b.lines * LINE_OVERHEAD_BYTES;
      if (total + size > policy.maxBytes) {
        sizeCut = { minute: b.minute, keepBytes: Math.max(0, policy.maxBytes - total) };
        break;
      }
      total += size;
    }
    plans.push({ team, olderThan, sizeCut });
  }
  return plans;
}
