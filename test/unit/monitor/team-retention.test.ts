import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { FleetView } from '../../../apps/monitor/src/fleet/fleet-view';
import { TeamRetentions, teamRetentionPolicy } from '../../../apps/monitor/src/logs/team-retention';

const GLOBAL = { maxAgeMs: 14 * 86_400_000, maxBytes: 1024 * 2 ** 20 };
const noFleet = { onChange: () => undefined } as unknown as FleetView;
const config = (logRetention: unknown) => ({ name: 't', members: [], quota: { memory: '1g', cpus: 1, pids: 64 }, egress: false, logRetention, sharedVolume: false });

describe('per-team log retention', () => {
  test("a team's limits replace the global ones where it sets them; null keeps the global ones", () => {
    assert.deepEqual(teamRetentionPolicy(GLOBAL, null), GLOBAL);
    assert.deepEqual(teamRetentionPolicy(GLOBAL, undefined), GLOBAL);
    assert.deepEqual(teamRetentionPolicy(GLOBAL, { days: 2 }), { maxAgeMs: 2 * 86_400_000, maxBytes: GLOBAL.maxBytes });
    assert.deepEqual(teamRetentionPolicy(GLOBAL, { maxMb: 5 }), { maxAgeMs: GLOBAL.maxAgeMs, maxBytes: 5 * 2 ** 20 });
  });

  test('folded from team events: created, changed back to null, deleted; a setting the schema refuses counts as none', () => {
    const teams = new TeamRetentions(noFleet);
    teams.observe({ type: 'team.created', data: { team: 'a', config: config({ days: 1, maxMb: 10 }) } });
    teams.observe({ type: 'team.created', data: { team: 'b', config: config({ maxMb: 3 }) } });
    teams.observe({ type: 'team.created', data: { team: 'c', config: config({ maxAgeDays: 3 }) } });
    assert.deepEqual(teams.of('a'), { days: 1, maxMb: 10 });
    assert.equal(teams.of('c'), undefined);
    teams.observe({ type: 'team.changed', data: { team: 'a', config: config(null) } });
    teams.observe({ type: 'team.deleted', data: { team: 'b' } });
    teams.observe({ type: 'agent.deployed', data: { team: 'b' } });
    assert.equal(teams.of('a'), undefined);
    assert.equal(teams.of('b'), undefined);
    assert.equal(teams.of(''), undefined);
  });
});
