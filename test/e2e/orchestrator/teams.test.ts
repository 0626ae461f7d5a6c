import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { ActivityEntry, AgentStatusView, TeamView } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { shippedConfigDir, storeModelKeys } from '../../support/team-configs';
import { waitFor } from '../../support/ports';

const MIB = 1024 ** 2;

describe('teams through the orchestrator: the shipped coding team deployed, held to its quota, stopped, and its activity (real NATS, Postgres, Docker)', () => {
  const configs = shippedConfigDir();
  const cp = new TestControlPlane({ configDir: configs.dir });
  beforeAll(async () => {
    await cp.start();
    await storeModelKeys(cp);
  }, 120_000);
  afterAll(async () => {
    await cp.stop();
    configs.remove();
  });

  const team = async (): Promise<TeamView> => {
    const r = await cp.query<TeamView>('team.get', { team: 'coding' });
    assert.ok(r.ok, JSON.stringify(r));
    return r.result;
  };

  test('the team is created from configs/teams/coding.json, versioned by its content', async () => {
    const r = await cp.command<{ team: string; configVersion: number; hash: string; quota: { memory: number } }>('team.create', { config: 'coding' }, { reason: 'sprint 12' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.result.team, 'coding');
    assert.equal(r.result.configVersion, 1);
    assert.match(r.result.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(r.result.quota.memory, 768 * MIB);
    const again = await cp.command('team.create', { config: 'coding' });
    assert.ok(!again.ok && again.error.code === 'TEAM.EXISTS', JSON.stringify(again));
    const t = await waitFor('the team in the read model', async () => {
      const r = await cp.query<TeamView>('team.get', { team: 'coding' });
      return r.ok ? r.result : null;
    });
    assert.deepEqual(
      t.config.members.map((m) => m.template),
      ['manager', 'grok4', 'claude'],
    );
    assert.equal(t.file, 'teams/coding.json');
  });

  test('team.deploy deploys the three members in one command; each runs with the team in its status', async () => {
    const r = await cp.command<{ deployed: string[]; usage: { memory: number; cpus: number; pids: number } }>('team.deploy', { team: 'coding' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.result.deployed, ['coding-manager', 'coding-coder', 'coding-reviewer']);
    assert.deepEqual(r.result.usage, { memory: 640 * MIB, cpus: 1.25, pids: 320 });
    const types = r.events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'agent.deployed').length, 3);
    assert.equal(types.filter((t) => t === 'team.member_added').length, 3);
    const running = await waitFor(
      'three members running',
      async () => {
        const views = (await cp.status()).filter((v) => v.team === 'coding');
        return views.length === 3 && views.every((v) => v.state.observed === 'running') ? views : null;
      },
      60_000,
    );
    assert.deepEqual(running.map((v) => v.name).sort(), ['coding-coder', 'coding-manager', 'coding-reviewer']);
    const filtered = await cp.query<AgentStatusView[]>('agent.status', { team: 'coding' });
    assert.ok(filtered.ok);
    assert.equal(filtered.result.length, 3);
    const t = await team();
    assert.equal(t.members.length, 3);
    assert.ok(t.members.every((m) => m.state?.observed === 'running'));
    // deploying again changes nothing: every member is there and running
    const again = await cp.command<{ deployed: string[]; unchanged: string[] }>('team.deploy', { team: 'coding' });
    assert.ok(again.ok, JSON.stringify(again));
    assert.deepEqual(again.result.deployed, []);
    assert.equal(again.result.unchanged.length, 3);
  }, 90_000);

  test('a deploy into the team past its quota is refused with the numbers; so is adding an agent past it', async () => {
    const r = await cp.command('agent.deploy', { template: 'grok4', name: 'coder-2', team: 'coding', role: 'coder' });
    assert.ok(!r.ok, 'refused');
    assert.equal(r.error.code, 'TEAM.QUOTA_EXCEEDED');
    assert.match(r.error.message, /memory 640m used \+ 256m asked = 896m > 768m quota/);
    assert.match(r.error.message, /cpus 1.25 used \+ 0.5 asked = 1.75 > 1.5 quota/);
    assert.deepEqual(r.error.details, {
      team: 'coding',
      exceeded: ['memory', 'cpus', 'pids'],
      used: { memory: 640 * MIB, cpus: 1.25, pids: 320 },
      asked: { memory: 256 * MIB, cpus: 0.5, pids: 128 },
      quota: { memory: 768 * MIB, cpus: 1.5, pids: 384 },
    });
    assert.equal((await cp.status()).filter((v) => v.name === 'coder-2').length, 0, 'nothing was deployed');

    await cp.deploy('grok4', 'outsider');
    const add = await cp.command('team.add_member', { team: 'coding', agent: 'outsider', role: 'coder' });
    assert.ok(!add.ok && add.error.code === 'TEAM.QUOTA_EXCEEDED', JSON.stringify(add));
    assert.match(add.error.message, /^adding agent "outsider" would exceed the quota of team "coding": memory 640m used \+ 256m asked/);

    // a raised quota lets it in; the agent's status shows its team
    const raised = await cp.command<{ configVersion: number }>(
      'team.change',
      { team: 'coding', quota: { memory: '1g', cpus: 2, pids: 512 } },
      { reason: 'room for a second coder' },
    );
    assert.ok(raised.ok, JSON.stringify(raised));
    assert.equal(raised.result.configVersion, 2);
    const added = await cp.command('team.add_member', { team: 'coding', agent: 'outsider', role: 'coder' });
    assert.ok(added.ok, JSON.stringify(added));
    await waitFor('outsider in the team', async () => ((await cp.status('outsider'))[0]?.team === 'coding' ? true : null));
    // a quota below what the members use is refused with the numbers
    const shrink = await cp.command('team.change', { team: 'coding', quota: { memory: '512m' } });
    assert.ok(!shrink.ok && shrink.error.code === 'TEAM.QUOTA_EXCEEDED' && /memory 896m used \+ 0m asked = 896m > 512m quota/.test(shrink.error.message), JSON.stringify(shrink));
    const removed = await cp.command('team.remove_member', { team: 'coding', agent: 'outsider' });
    assert.ok(removed.ok, JSON.stringify(removed));
    await waitFor('outsider out of the team', async () => ((await cp.status('outsider'))[0]?.team === null ? true : null));
  }, 60_000);

  test('team.stop stops every member; the team cannot be deleted while it has members', async () => {
    const r = await cp.command<{ stopped: string[] }>('team.stop', { team: 'coding' }, { reason: 'end of sprint' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual([...r.result.stopped].sort(), ['coding-coder', 'coding-manager', 'coding-reviewer']);
    await waitFor(
      'every member stopped',
      async () => {
        const views = (await cp.status()).filter((v) => v.team === 'coding');
        return views.length === 3 && views.every((v) => v.state.desired === 'stopped' && ['stopped', 'exited'].includes(v.state.observed)) ? true : null;
      },
      60_000,
    );
    const del = await cp.command('team.delete', { team: 'coding' });
    assert.ok(!del.ok && del.error.code === 'TEAM.NOT_EMPTY', JSON.stringify(del));
    assert.match(del.error.message, /3 members/);
  }, 90_000);

  test("the team's activity lists deploys, state changes and stops, newest first, with who did them and why", async () => {
    const all: ActivityEntry[] = [];
    let cursor: string | undefined;
    do {
      const r = await cp.query<ActivityEntry[]>('team.activity', { team: 'coding', pageSize: 10, ...(cursor ? { cursor } : {}) });
      assert.ok(r.ok, JSON.stringify(r));
      all.push(...r.result);
      cursor = (r as { nextCursor?: string }).nextCursor;
    } while (cursor);
    const positions = all.map((e) => BigInt(e.position));
    assert.ok(
      positions.every((p, i) => i === 0 || p < positions[i - 1]!),
      'newest first, no entry twice across pages',
    );
    const types = all.map((e) => e.type);
    for (const t of ['team.created', 'team.member_added', 'agent.deployed', 'agent.container_started', 'agent.stop_requested', 'team.changed', 'team.member_removed'])
      assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    const created = all.find((e) => e.type === 'team.created')!;
    assert.equal(created.actor.displayName, 'Test Operator');
    assert.equal(created.reason, 'sprint 12');
    assert.match(created.summary, /team coding created \(3 members configured/);
    const stops = all.filter((e) => e.type === 'agent.stop_requested');
    assert.equal(stops.length, 3);
    assert.ok(stops.every((e) => e.reason === 'end of sprint' && e.actor.id === 'tester' && e.agent?.startsWith('coding-')));
    const started = all.find((e) => e.type === 'agent.container_started')!;
    assert.equal(started.actor.kind, 'system', 'what the control plane did by itself is its own');
    // one agent's own feed
    const coder = await cp.query<ActivityEntry[]>('agent.activity', { agent: 'coding-coder' });
    assert.ok(coder.ok, JSON.stringify(coder));
    assert.ok(coder.result.every((e) => e.agent === 'coding-coder'));
    assert.deepEqual(coder.result.at(-1)!.type, 'agent.deployed');
    assert.equal(coder.result.at(-1)!.team, null);
    const missing = await cp.query('team.activity', { team: 'no-such-team' });
    assert.ok(!missing.ok && missing.error.code === 'TEAM.NOT_FOUND');
  });
});
