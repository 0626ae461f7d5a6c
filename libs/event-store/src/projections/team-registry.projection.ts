import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { evolveTeam, initialTeamState, type EvolvableEvent, type TeamState } from '@sacp/domain';
import { TeamRegistryEntity } from '../entities/team-registry.entity';
import type { Projection } from './projection';

const TEAM_STREAM = /^team-(.+)$/;

/**
 * One row per team: its state folded with the decider's own `evolveTeam`, so the read
 * model is what a replay of its stream produces. An event at or below a team's version
 * was applied already (redelivery).
 */
export const teamRegistryProjection: Projection = {
  name: 'team_registry',
  async clear(tx: EntityManager): Promise<void> {
    await tx.createQueryBuilder().delete().from(TeamRegistryEntity).execute();
  },
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const ofTeams = events.filter((e) => TEAM_STREAM.test(e.streamId));
    if (!ofTeams.length) return;
    const names = [...new Set(ofTeams.map((e) => TEAM_STREAM.exec(e.streamId)![1]!))];
    const rows: { name: string; state: TeamState }[] = await tx.query('select name, state from team_registry where name = any($1)', [names]);
    const states = new Map(rows.map((r) => [r.name, r.state]));
    const changed = new Set<string>();
    for (const e of ofTeams) {
      const name = TEAM_STREAM.exec(e.streamId)![1]!;
      const state = states.get(name) ?? initialTeamState(name);
      if (e.streamPosition <= state.version) continue;
      states.set(name, evolveTeam(state, e as unknown as EvolvableEvent));
      changed.add(name);
    }
    if (!changed.size) return;
    const rowsOut = [...changed].map((name) => {
      const s = states.get(name)!;
      return {
        name,
        live: s.exists,
        config_version: s.configVersion,
        hash: s.hash,
        member_count: Object.keys(s.members).length,
        state: s,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
        version: s.version,
      };
    });
    // one statement for every team of the batch, from one JSON parameter (as the agent registry)
    await tx.query(
      `insert into team_registry (name, live, config_version, hash, member_count, state, created_at, updated_at, version)
         select * from jsonb_to_recordset($1::jsonb) as x(name text, live bool, config_version int, hash text, member_count int,
           state jsonb, created_at timestamptz, updated_at timestamptz, version int)
       on conflict (name) do update set live = excluded.live, config_version = excluded.config_version, hash = excluded.hash,
           member_count = excluded.member_count, state = excluded.state, created_at = excluded.created_at,
           updated_at = excluded.updated_at, version = excluded.version`,
      [JSON.stringify(rowsOut)],
    );
  },
};
