import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideTeam, initialTeamState, evolveTeam, validateTeamConfig, type EvolvableEvent, type TeamState } from '@sacp/domain';
import { ActivityRepository, Projector, agentRegistryProjection, teamRegistryProjection } from '@sacp/event-store';
import { AgentDeployedV1, type StoredEvent } from '@sacp/events';
import { metadata, testEventStore, type TestEventStore } from '../../support/event-store';
import { waitFor } from '../../support/ports';

const parsed = validateTeamConfig('(posted)', { name: 'alpha', members: [{ name: 'coder', role: 'coder', template: 'grok4' }], quota: { memory: '1g', cpus: 2, pids: 512 } });
if (!parsed.ok) throw new Error('valid');
const MIB = 1024 ** 2;
const agentId = (n: number) => `0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b${String(n).padStart(2, '0')}`;

/**
 * Migration 015's team registry, kept by the team registry projection with the
 * decider's own fold, and the activity reader over the events table (real Postgres,
 * as the services' role).
 */
describe('teams in Postgres: the team registry read model and the activity reader', () => {
  let t: TestEventStore;
  let projector: Projector;
  let applied = 0;
  const catchUp = async () => {
    const want = Number((await t.pool.query('select count(*) from events')).rows[0].count);
    await waitFor(`${want} events applied`, async () => ((applied += await projector.catchUp()) >= want ? true : null));
  };
  const teamState = async (name: string): Promise<TeamState> =>
    (await t.store.readStream(`team-${name}`)).reduce((s, e) => evolveTeam(s, e as unknown as EvolvableEvent), initialTeamState(name));
  const row = async (name: string) => (await t.pool.query('select name, live, config_version, member_count, state, version from team_registry where name = $1', [name])).rows[0];

  beforeAll(async () => {
    t = await testEventStore();
    projector = new Projector(t.store, [agentRegistryProjection, teamRegistryProjection]);
    // a team, two members deployed into it, one leaves, and a second team created and deleted
    const create = decideTeam({ type: 'create', name: 'alpha', config: parsed.config, hash: parsed.hash, file: null }, initialTeamState('alpha'));
    await t.store.append(create.appends, metadata({ reason: 'new team' }));
    for (const n of [1, 2]) {
      await t.store.append(
        [
          {
            streamId: `agent-${agentId(n)}`,
            expectedVersion: 0,
            events: [{ type: 'agent.deployed', schemaVersion: 1, data: { ...AgentDeployedV1.example, agentId: agentId(n), name: `coder-${n}`, team: 'alpha', role: 'coder' } }],
          },
        ],
        metadata(),
      );
      const join = decideTeam(
        {
          type: 'join',
          joiners: [
            {
              agentId: agentId(n),
              agent: `coder-${n}`,
              member: null,
              role: 'coder',
              template: { name: 'grok4', version: 1 },
              resources: { memory: 256 * MIB, cpus: 0.5, pids: 128 },
            },
          ],
          what: 'x',
        },
        await teamState('alpha'),
      );
      await t.store.append(join.appends, metadata());
    }
    await t.store.append(decideTeam({ type: 'leave', agentId: agentId(2), agentVersion: 1, cause: 'removed' }, await teamState('alpha')).appends, metadata({ reason: 'moved' }));
    await t.store.append(
      decideTeam({ type: 'create', name: 'beta', config: { ...parsed.config, name: 'beta' }, hash: parsed.hash, file: null }, initialTeamState('beta')).appends,
      metadata(),
    );
    await t.store.append(decideTeam({ type: 'delete' }, await teamState('beta')).appends, metadata());
  });
  afterAll(async () => t?.close());

  test('the projection keeps one row per team with the state the stream folds to; a deleted team stays, not live', async () => {
    await catchUp();
    const alpha = await row('alpha');
    assert.equal(alpha.live, true);
    assert.equal(alpha.member_count, 1);
    assert.equal(alpha.config_version, 1);
    assert.deepEqual(alpha.state, JSON.parse(JSON.stringify(await teamState('alpha'))));
    const beta = await row('beta');
    assert.equal(beta.live, false);
    // the agent registry carries each agent's team in its state: coder-2 left
    const teams = (await t.pool.query("select name, state->>'team' as team from agent_registry order by name")).rows;
    assert.deepEqual(teams, [
      { name: 'coder-1', team: 'alpha' },
      { name: 'coder-2', team: null },
    ]);
  });

  test('a rebuild produces exactly the live rows; applying again changes nothing', async () => {
    const before = (await t.pool.query('select * from team_registry order by name')).rows;
    await projector.rebuild();
    assert.deepEqual((await t.pool.query('select * from team_registry order by name')).rows, before);
  });

  test("the activity reader pages a team's streams and its members' newest first, with no entry twice", async () => {
    const activity = new ActivityRepository(t.dataSource);
    const scope = { streamIds: ['team-alpha', `agent-${agentId(1)}`, `agent-${agentId(2)}`], alertAgentIds: [agentId(1), agentId(2)] };
    const seen: StoredEvent[] = [];
    let before: string | null = null;
    for (;;) {
      const page = await activity.page(scope, before, 2);
      if (!page.length) break;
      seen.push(...page);
      before = page[page.length - 1]!.globalPosition;
    }
    const expected = (await t.pool.query('select global_position::text as p from events where stream_id = any($1) order by global_position desc', [scope.streamIds])).rows.map(
      (r) => r.p,
    );
    assert.deepEqual(
      seen.map((e) => e.globalPosition),
      expected,
    );
    assert.equal(seen[seen.length - 1]!.type, 'team.created');
    assert.equal(seen[seen.length - 1]!.metadata.reason, 'new team');
  });
});
