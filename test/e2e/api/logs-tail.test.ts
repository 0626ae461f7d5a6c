import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { readEvents, type SseEvent } from '../../support/sse';

const lines = (events: SseEvent[]) => events.filter((e) => e.event === 'message').map((e) => e.data as { agentName: string; team: string | null; line: string; at: string });

describe('collected logs followed over HTTP (real api, monitor collecting from sim agents in Docker)', () => {
  const cp = new TestControlPlane({ monitors: 1, env: { MONITOR_LOG_DISCOVER_MS: '500' } });
  const api = new TestApi(cp);
  let viewer = '';
  let operator = '';
  beforeAll(async () => {
    await cp.start();
    await api.start();
    viewer = (await api.createToken('tail-watcher', 'viewer')).token;
    operator = (await api.createToken('tail-ops', 'operator')).token;
    const solo = await cp.deploy('sim', 'tail-solo');
    const definition = {
      name: 'tailers',
      description: 'one sim agent',
      // deployed as tailers-tail-member (a member's agent name starts with its team's)
      members: [{ name: 'tail-member', role: 'coder', template: 'sim' }],
      quota: { memory: '128m', cpus: 0.5, pids: 128 },
    };
    assert.equal((await api.request('POST', '/api/v1/teams', { token: operator, body: { definition } })).status, 202);
    await waitFor('the team', async () => (await api.request('GET', '/api/v1/teams/tailers', { token: viewer })).status === 200);
    assert.equal((await api.request('POST', '/api/v1/teams/tailers/deploy', { token: operator, body: {} })).status, 202);
    await cp.waitForAgent(solo, (a) => a.state.observed === 'running', 'running');
    await waitFor(
      'both agents running',
      async () => {
        const r = await api.request('GET', '/api/v1/agents?observed=running', { token: viewer });
        return r.body.items?.length === 2;
      },
      60_000,
    );
  }, 180_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  const follow = (query: string) => fetch(api.url(`/api/v1/logs/stream?${query}`), { headers: { authorization: `Bearer ${viewer}` } });

  test("one agent's lines arrive as the collector stores them, and only that agent's", async () => {
    const res = await follow('agent=tail-solo');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/event-stream/);
    const events = await readEvents(res, (ev) => lines(ev).length >= 3, 30_000);
    assert.equal(events[0]!.event, 'ready');
    const got = lines(events);
    assert.ok(got.length >= 3, `3 lines arrived live (got ${got.length})`);
    assert.ok(got.every((l) => l.agentName === 'tail-solo'));
    assert.ok(
      got.some((l) => /heartbeat/.test(l.line)),
      'the sim agent heartbeats',
    );
    assert.match(got[0]!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test("a team's lines: its members' only; all=true: every agent's", async () => {
    const team = lines(await readEvents(await follow('team=tailers'), (ev) => lines(ev).length >= 3, 30_000));
    assert.ok(team.length >= 3, `3 lines of the team (got ${team.length})`);
    assert.deepEqual([...new Set(team.map((l) => `${l.agentName}/${l.team}`))], ['tailers-tail-member/tailers']);
    const all = lines(await readEvents(await follow('all=true'), (ev) => new Set(lines(ev).map((l) => l.agentName)).size >= 2, 30_000));
    assert.deepEqual([...new Set(all.map((l) => l.agentName))].sort(), ['tail-solo', 'tailers-tail-member']);
  });

  test('what to follow must be named, and must exist', async () => {
    const none = await api.request('GET', '/api/v1/logs/stream', { token: viewer });
    assert.equal(none.status, 400);
    assert.match(JSON.stringify(none.body), /exactly one of agent=<name>, team=<name> or all=true/);
    const two = await api.request('GET', '/api/v1/logs/stream?agent=tail-solo&all=true', { token: viewer });
    assert.equal(two.status, 400);
    const unknown = await api.request('GET', '/api/v1/logs/stream?agent=nobody', { token: viewer });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'AGENT.NOT_FOUND');
    const noTeam = await api.request('GET', '/api/v1/logs/stream?team=nobody', { token: viewer });
    assert.equal(noTeam.status, 404);
    assert.equal((await api.request('GET', '/api/v1/logs/stream?all=true')).status, 401, 'signed in only');
  });
});
