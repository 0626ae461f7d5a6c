import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

/** A small team of sim agents (64m, 0.25 CPUs, 64 pids each), posted whole. */
const squad = {
  name: 'squad',
  description: 'two sim agents',
  members: [
    { name: 'lead', role: 'manager', template: 'sim' },
    { name: 'worker', role: 'coder', template: 'sim' },
  ],
  quota: { memory: '160m', cpus: 0.75, pids: 192 },
};

describe('teams over HTTP: create, deploy, quota, members, stop, activity (real api, orchestrator, Docker)', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp);
  let operator = '';
  let viewer = '';
  beforeAll(async () => {
    await cp.start();
    await api.start();
    operator = (await api.createToken('team-ops', 'operator')).token;
    viewer = (await api.createToken('team-watcher', 'viewer')).token;
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  test('a posted configuration creates a team (202, links); a viewer reads it; a second create is 409', async () => {
    const r = await api.request('POST', '/api/v1/teams', { token: operator, body: { definition: squad, reason: 'new squad' }, headers: { 'idempotency-key': 'create-squad' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.result.team, 'squad');
    assert.equal(r.body.result.configVersion, 1);
    assert.equal(r.body.links.team, '/api/v1/teams/squad');
    const retry = await api.request('POST', '/api/v1/teams', { token: operator, body: { definition: squad, reason: 'new squad' }, headers: { 'idempotency-key': 'create-squad' } });
    assert.equal(retry.status, 202);
    assert.equal(retry.body.duplicate, true, 'the same key is the same command');
    const again = await api.request('POST', '/api/v1/teams', { token: operator, body: { definition: squad } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'TEAM.EXISTS');
    const got = await waitFor('the team readable', async () => {
      const g = await api.request('GET', '/api/v1/teams/squad', { token: viewer });
      return g.status === 200 ? g.body : null;
    });
    assert.equal(got.configVersion, 1);
    assert.deepEqual(got.quota, { memory: 160 * 1024 * 1024, cpus: 0.75, pids: 192 });
    const list = await api.request('GET', '/api/v1/teams', { token: viewer });
    assert.deepEqual(
      list.body.items.map((t: { name: string }) => t.name),
      ['squad'],
    );
    // a second team from the same configuration, under another name; the list comes in pages
    const second = await api.request('POST', '/api/v1/teams', { token: operator, body: { definition: squad, name: 'squad-2' } });
    assert.equal(second.status, 202, JSON.stringify(second.body));
    const first = await waitFor('two teams', async () => {
      const p = await api.request('GET', '/api/v1/teams?limit=1', { token: viewer });
      return p.body.nextCursor ? p.body : null;
    });
    assert.deepEqual(
      first.items.map((t: { name: string }) => t.name),
      ['squad'],
    );
    const rest = await api.request('GET', `/api/v1/teams?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, { token: viewer });
    assert.deepEqual(
      rest.body.items.map((t: { name: string }) => t.name),
      ['squad-2'],
    );
    const bad = await api.request('DELETE', '/api/v1/teams/squad-2?volumes=maybe', { token: operator });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    // volumes (query or body): the team's shared volume goes too; squad-2 never ran a member, so it has none
    const gone = await api.request('DELETE', '/api/v1/teams/squad-2?volumes=true', { token: operator, body: { reason: 'one is enough', volumes: true } });
    assert.equal(gone.status, 202, JSON.stringify(gone.body));
    assert.deepEqual(gone.body.result.volumesRemoved, []);
  });

  test('an invalid configuration is 400 naming each field; an unknown team is 404; a viewer cannot change teams', async () => {
    const bad = await api.request('POST', '/api/v1/teams', { token: operator, body: { definition: { name: 'Bad Name', quota: { memory: 'lots', cpus: 1, pids: 64 }, extra: 1 } } });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.code, 'TEAM.INVALID');
    const fields = bad.body.details.problems.map((p: { field: string }) => p.field).sort();
    assert.deepEqual(fields, ['extra', 'name', 'quota.memory']);
    const both = await api.request('POST', '/api/v1/teams', { token: operator, body: { config: 'coding', definition: squad } });
    assert.equal(both.status, 400);
    const missing = await api.request('GET', '/api/v1/teams/nobody', { token: viewer });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'TEAM.NOT_FOUND');
    const noFile = await api.request('POST', '/api/v1/teams', { token: operator, body: { config: 'no-such-file' } });
    assert.equal(noFile.status, 404);
    const forbidden = await api.request('POST', '/api/v1/teams/squad/deploy', { token: viewer, body: {} });
    assert.equal(forbidden.status, 403);
  });

  test('deploy runs every member; a deploy past the quota is 409 with the numbers; members come and go', async () => {
    const d = await api.request('POST', '/api/v1/teams/squad/deploy', { token: operator, body: { reason: 'go' } });
    assert.equal(d.status, 202, JSON.stringify(d.body));
    assert.deepEqual(d.body.result.deployed, ['squad-lead', 'squad-worker']);
    await waitFor(
      'both members running',
      async () => {
        const t = await api.request('GET', '/api/v1/teams/squad', { token: viewer });
        return t.body.members?.length === 2 && t.body.members.every((m: { state: { observed: string } | null }) => m.state?.observed === 'running') ? true : null;
      },
      60_000,
    );
    const agents = await api.request('GET', '/api/v1/agents?team=squad', { token: viewer });
    assert.deepEqual(
      agents.body.items.map((a: { team: string }) => a.team),
      ['squad', 'squad'],
    );

    const over = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'sim', name: 'third', team: 'squad' } });
    assert.equal(over.status, 409, JSON.stringify(over.body));
    assert.equal(over.body.code, 'TEAM.QUOTA_EXCEEDED');
    assert.match(over.body.message, /memory 128m used \+ 64m asked = 192m > 160m quota/);
    assert.deepEqual(over.body.details.exceeded, ['memory']);

    const solo = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'sim', name: 'solo' } });
    assert.equal(solo.status, 202);
    const add = await api.request('POST', '/api/v1/teams/squad/members', { token: operator, body: { agent: 'solo', role: 'coder' } });
    assert.equal(add.status, 409);
    assert.equal(add.body.code, 'TEAM.QUOTA_EXCEEDED');
    const raise = await api.request('PATCH', '/api/v1/teams/squad', { token: operator, body: { quota: { memory: '256m' }, reason: 'one more' } });
    assert.equal(raise.status, 202, JSON.stringify(raise.body));
    assert.equal(raise.body.result.configVersion, 2);
    const added = await api.request('POST', '/api/v1/teams/squad/members', { token: operator, body: { agent: 'solo', role: 'coder' } });
    assert.equal(added.status, 202, JSON.stringify(added.body));
    const removed = await api.request('DELETE', '/api/v1/teams/squad/members/solo', { token: operator });
    assert.equal(removed.status, 202, JSON.stringify(removed.body));
    const notMember = await api.request('DELETE', '/api/v1/teams/squad/members/solo', { token: operator });
    assert.equal(notMember.status, 409);
    assert.equal(notMember.body.code, 'TEAM.MEMBERSHIP');
  }, 90_000);

  test('stop stops every member; delete is refused while members remain; the activity says who did what', async () => {
    const s = await api.request('POST', '/api/v1/teams/squad/stop', { token: operator, body: { reason: 'done' } });
    assert.equal(s.status, 202, JSON.stringify(s.body));
    assert.deepEqual([...s.body.result.stopped].sort(), ['squad-lead', 'squad-worker']);
    const del = await api.request('DELETE', '/api/v1/teams/squad', { token: operator });
    assert.equal(del.status, 409);
    assert.equal(del.body.code, 'TEAM.NOT_EMPTY');
    const a = await api.request('GET', '/api/v1/teams/squad/activity?limit=5', { token: viewer });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.items.length, 5);
    assert.ok(a.body.nextCursor);
    const next = await api.request('GET', `/api/v1/teams/squad/activity?limit=500&cursor=${encodeURIComponent(a.body.nextCursor)}`, { token: viewer });
    const all = [...a.body.items, ...next.body.items];
    const created = all.find((e: { type: string }) => e.type === 'team.created');
    assert.equal(created.actor.kind, 'api');
    assert.equal(created.reason, 'new squad');
    assert.ok(all.some((e: { type: string; reason: string | null }) => e.type === 'agent.stop_requested' && e.reason === 'done'));
    const bad = await api.request('GET', '/api/v1/teams/squad/activity?cursor=not-a-cursor', { token: viewer });
    assert.equal(bad.status, 400);
    const agent = await api.request('GET', '/api/v1/agents/squad-lead/activity', { token: viewer });
    assert.equal(agent.status, 200);
    assert.equal(agent.body.items.at(-1).type, 'agent.deployed');
    assert.match(agent.body.items.at(-1).summary, /into team squad as manager/);
  });
});
