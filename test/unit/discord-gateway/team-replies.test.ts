import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { ActivityEntry, TeamView } from '@sacp/events';
import { activityReply, teamReply } from '../../../apps/discord-gateway/src/bot/team-replies';

const MIB = 1024 ** 2;
const team = (members: number): TeamView => ({
  name: 'coding',
  description: 'a **bold** @everyone team',
  config: { name: 'coding', description: '', members: [], quota: { memory: '768m', cpus: 1.5, pids: 384 }, egress: false, logRetention: null, sharedVolume: false },
  hash: 'sha256:1',
  configVersion: 2,
  file: null,
  quota: { memory: 768 * MIB, cpus: 1.5, pids: 384 },
  usage: { memory: 640 * MIB, cpus: 1.25, pids: 320 },
  members: Array.from({ length: members }, (_, i) => ({
    agentId: `id-${i}`,
    agent: `coding-member-${i}`,
    member: null,
    role: 'coder',
    template: { name: 'grok4', version: 1 },
    resources: { memory: 256 * MIB, cpus: 0.5, pids: 128 },
    state: { desired: 'running', observed: 'running', health: 'healthy' },
  })),
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
});

describe('team replies on Discord', () => {
  test('a team shows its quota, usage and members; its own words cannot format or ping', () => {
    const r = teamReply(team(3));
    const e = r.embeds![0]!;
    assert.match(e.description!, /quota: 768MiB · 1.5 CPUs · 384 pids/);
    assert.match(e.description!, /used: 640MiB · 1.25 CPUs · 320 pids/);
    assert.match(e.description!, /\*\*coding-member-2\*\* \(coder\) — running\/running, healthy/);
    assert.doesNotMatch(e.description!, /@everyone/);
    assert.equal(e.footer!.text, 'configuration v2 · 3 members');
  });

  test('fifty members and a long activity stay within Discord limits', () => {
    assert.ok(teamReply(team(50)).embeds![0]!.description!.length <= 4096);
    const entry: ActivityEntry = {
      eventId: 'e',
      position: '1',
      at: '2026-11-30T10:00:00.000Z',
      type: 'agent.stop_requested',
      summary: 'stop requested',
      agent: 'coding-coder',
      team: 'coding',
      actor: { kind: 'discord', id: '1', displayName: 'bob' },
      source: 'discord',
      reason: 'x'.repeat(400),
      commandId: 'c',
    };
    const r = activityReply(
      'team coding',
      Array.from({ length: 200 }, () => entry),
    );
    assert.ok(r.embeds![0]!.description!.length <= 4000);
    assert.equal(activityReply('team coding', []).content, 'no activity recorded for team coding');
  });
});
