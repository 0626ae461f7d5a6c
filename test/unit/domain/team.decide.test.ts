import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideTeam, evolveTeam, initialTeamState, type EvolvableEvent, type Joiner, type TeamCommand, validateTeamConfig } from '@sacp/domain';
import type { EventDataMap, TeamConfig } from '@sacp/events';
import { deciderSpec } from '../../support/decider-spec';

const MIB = 1024 ** 2;
const at = (type: keyof EventDataMap, data: object): EvolvableEvent => ({ type, data, metadata: { occurredAt: '2026-11-30T10:00:00.000Z' } }) as unknown as EvolvableEvent;
const parsed = validateTeamConfig('teams/coding.json', {
  name: 'coding',
  members: [
    { name: 'manager', role: 'manager', template: 'manager' },
    { name: 'coder', role: 'coder', template: 'grok4' },
  ],
  quota: { memory: '768m', cpus: 1.5, pids: 384 },
});
if (!parsed.ok) throw new Error('the example configuration is valid');
const config: TeamConfig = parsed.config;
const created = at('team.created', { team: 'coding', config, hash: parsed.hash, configVersion: 1, file: 'teams/coding.json' });
const member = (agent: string, memoryMib: number, cpus: number, pids: number) => ({
  agentId: `id-${agent}`,
  agent,
  member: null,
  role: 'coder',
  template: { name: 'grok4', version: 1 },
  resources: { memory: memoryMib * MIB, cpus, pids },
});
const added = (m: ReturnType<typeof member>) => at('team.member_added', { team: 'coding', ...m });

const { given } = deciderSpec({
  initialState: () => initialTeamState('coding'),
  evolve: evolveTeam,
  decide: (c: TeamCommand, s) => decideTeam(c, s),
  appended: (d: ReturnType<typeof decideTeam>) => d.appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamId, ...e }))),
});

describe('team decider: create, change, delete', () => {
  test('create records the whole configuration with its hash, as version 1', () => {
    given([])
      .when({ type: 'create', name: 'coding', config, hash: parsed.hash, file: 'teams/coding.json' })
      .then([{ stream: 'team-coding', type: 'team.created', data: { team: 'coding', config, hash: parsed.hash, configVersion: 1, file: 'teams/coding.json' } }]);
  });

  test('a second team of the same name is refused', () => {
    given([created])
      .when({ type: 'create', name: 'coding', config, hash: parsed.hash, file: null })
      .then({ error: 'TEAM.EXISTS', message: /exists already/ });
  });

  test('a change to the same content changes nothing; a new quota is a new configuration version naming what changed', () => {
    given([created]).when({ type: 'change', config, hash: parsed.hash, file: null }).then([]);
    const bigger = { ...config, quota: { ...config.quota, memory: '1g' } };
    given([created])
      .when({ type: 'change', config: bigger, hash: 'sha256:2', file: null })
      .then([{ type: 'team.changed', data: { team: 'coding', config: bigger, hash: 'sha256:2', configVersion: 2, file: null, changed: ['quota'] } }]);
  });

  test('a quota below what the members use is refused with the numbers', () => {
    const err = given([created, added(member('a', 512, 1, 256))])
      .when({ type: 'change', config: { ...config, quota: { memory: '256m', cpus: 1.5, pids: 384 } }, hash: 'sha256:3', file: null })
      .then({ error: 'TEAM.QUOTA_EXCEEDED', message: /memory 512m used \+ 0m asked = 512m > 256m quota/ });
    assert.deepEqual(err.details.exceeded, ['memory']);
  });

  test('delete is refused while the team has members, and names them', () => {
    given([created, added(member('coding-coder', 256, 0.5, 128))])
      .when({ type: 'delete' })
      .then({ error: 'TEAM.NOT_EMPTY', message: /1 member \(coding-coder\)/ });
    given([created])
      .when({ type: 'delete' })
      .then([{ type: 'team.deleted', data: { team: 'coding' } }]);
  });

  test('commands on a team that does not exist are refused', () => {
    given([])
      .when({ type: 'delete' })
      .then({ error: 'TEAM.NOT_FOUND', message: /no team named "coding"/ });
    given([created, at('team.deleted', { team: 'coding' })])
      .when({ type: 'join', joiners: [], what: 'x' })
      .then({ error: 'TEAM.NOT_FOUND' });
  });

  test('a deleted team can be created again; its configuration version goes on', () => {
    given([created, at('team.deleted', { team: 'coding' })])
      .when({ type: 'create', name: 'coding', config, hash: parsed.hash, file: null })
      .then([{ type: 'team.created', data: { team: 'coding', config, hash: parsed.hash, configVersion: 2, file: null } }]);
  });
});

describe('team decider: members and the quota', () => {
  const joiner = (m: ReturnType<typeof member>, existing?: Joiner['existing']): Joiner => ({ ...m, ...(existing ? { existing } : {}) });

  test('members within the quota join; an existing agent has the change on its own stream too', () => {
    const m = member('coder-2', 256, 0.5, 128);
    given([created])
      .when({ type: 'join', joiners: [joiner(m, { agentVersion: 4, team: null })], what: 'adding coder-2' })
      .then([
        { stream: 'team-coding', type: 'team.member_added', data: { team: 'coding', ...m } },
        { stream: 'agent-id-coder-2', type: 'agent.team_changed', data: { agentId: 'id-coder-2', team: 'coding', role: 'coder' } },
      ]);
  });

  test('a deploy past the quota is refused with used, asked and quota for each resource over it', () => {
    const err = given([created, added(member('coding-manager', 128, 0.25, 64)), added(member('coding-coder', 256, 0.5, 128)), added(member('coding-reviewer', 256, 0.5, 128))])
      .when({ type: 'join', joiners: [joiner(member('coder-2', 256, 0.5, 128))], what: 'deploying coder-2' })
      .then({ error: 'TEAM.QUOTA_EXCEEDED' });
    assert.equal(
      err.message,
      'deploying coder-2 would exceed the quota of team "coding": memory 640m used + 256m asked = 896m > 768m quota; cpus 1.25 used + 0.5 asked = 1.75 > 1.5 quota; pids 320 used + 128 asked = 448 > 384 quota. Raise the quota (sacp team change coding --memory/--cpus/--pids) or remove a member first',
    );
    assert.deepEqual(err.details, {
      team: 'coding',
      exceeded: ['memory', 'cpus', 'pids'],
      used: { memory: 640 * MIB, cpus: 1.25, pids: 320 },
      asked: { memory: 256 * MIB, cpus: 0.5, pids: 128 },
      quota: { memory: 768 * MIB, cpus: 1.5, pids: 384 },
    });
  });

  test('every resource over the quota is named', () => {
    const err = given([created])
      .when({ type: 'join', joiners: [joiner(member('big', 1024, 2, 512))], what: 'deploying big' })
      .then({
        error: 'TEAM.QUOTA_EXCEEDED',
        message: /memory 0m used \+ 1g asked = 1g > 768m quota; cpus 0 used \+ 2 asked = 2 > 1.5 quota; pids 0 used \+ 512 asked = 512 > 384 quota/,
      });
    assert.deepEqual(err.details.exceeded, ['memory', 'cpus', 'pids']);
  });

  test('several joiners are counted together: the whole team deploy is refused, not half of it', () => {
    given([created])
      .when({ type: 'join', joiners: [joiner(member('a', 512, 0.5, 100)), joiner(member('b', 512, 0.5, 100))], what: 'deploying team coding' })
      .then({ error: 'TEAM.QUOTA_EXCEEDED', message: /^deploying team coding would exceed.*memory 0m used \+ 1g asked = 1g > 768m quota/ });
  });

  test('an agent in another team cannot join; a member already in changes nothing', () => {
    given([created])
      .when({ type: 'join', joiners: [joiner(member('x', 1, 0.1, 8), { agentVersion: 2, team: 'other' })], what: 'adding x' })
      .then({ error: 'TEAM.MEMBERSHIP', message: /member of team "other"/ });
    given([created, added(member('x', 1, 0.1, 8))])
      .when({ type: 'join', joiners: [joiner(member('x', 1, 0.1, 8))], what: 'adding x' })
      .then([]);
  });

  test('a member leaves (its agent stream records it); a removed agent frees its share of the quota', () => {
    const m = member('coding-coder', 256, 0.5, 128);
    given([created, added(m)])
      .when({ type: 'leave', agentId: m.agentId, agentVersion: 7, cause: 'removed' })
      .then([
        { type: 'team.member_removed', data: { team: 'coding', agentId: m.agentId, agent: 'coding-coder', cause: 'removed' } },
        { type: 'agent.team_changed', data: { agentId: m.agentId, team: null, role: null } },
      ]);
    const d = given([created, added(m)])
      .when({ type: 'leave', agentId: m.agentId, agentVersion: null, cause: 'agent_removed' })
      .then([{ type: 'team.member_removed', data: { team: 'coding', agentId: m.agentId, agent: 'coding-coder', cause: 'agent_removed' } }]);
    assert.deepEqual(d.usage, { memory: 0, cpus: 0, pids: 0 });
    given([created]).when({ type: 'leave', agentId: 'nobody', agentVersion: 1, cause: 'removed' }).then({ error: 'TEAM.MEMBERSHIP' });
  });
});
