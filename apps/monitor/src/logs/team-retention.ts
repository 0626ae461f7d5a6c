import { Injectable } from '@nestjs/common';
import { TeamLogRetentionSchema, type TeamLogRetention } from '@sacp/events';
import { FleetView, type FleetChange } from '../fleet/fleet-view';
import type { RetentionPolicy } from './retention';

/** A team's retention: its own limits where it sets them (`logRetention` of its configuration), the global ones elsewhere. Pure. */
export function teamRetentionPolicy(global: RetentionPolicy, team: TeamLogRetention | null | undefined): RetentionPolicy {
  return {
    maxAgeMs: team?.days !== undefined ? Math.round(team.days * 86_400_000) : global.maxAgeMs,
    maxBytes: team?.maxMb !== undefined ? Math.round(team.maxMb * 1024 * 1024) : global.maxBytes,
  };
}

/**
 * Each team's `logRetention`, folded from the team events the fleet view reads (created,
 * changed, deleted), so a restarted monitor knows them again before its first prune.
 */
@Injectable()
export class TeamRetentions {
  private readonly byTeam = new Map<string, TeamLogRetention>();

  constructor(fleet: FleetView) {
    fleet.onChange((change) => this.observe(change.event));
  }

  /** The team's own setting; undefined for a team without one (or lines of agents in no team, team ''). */
  of(team: string): TeamLogRetention | undefined {
    return this.byTeam.get(team);
  }

  /** Folds one event (team events only; others pass). */
  observe(event: Pick<FleetChange['event'], 'type' | 'data'>): void {
    if (event.type !== 'team.created' && event.type !== 'team.changed' && event.type !== 'team.deleted') return;
    const data = event.data as { team?: unknown; config?: { logRetention?: unknown } };
    if (typeof data.team !== 'string') return;
    const parsed = event.type === 'team.deleted' ? null : TeamLogRetentionSchema.nullable().safeParse(data.config?.logRetention ?? null);
    if (parsed?.success && parsed.data) this.byTeam.set(data.team, parsed.data);
    else this.byTeam.delete(data.team);
  }
}
