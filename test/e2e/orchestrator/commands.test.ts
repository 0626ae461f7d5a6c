import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { requestJson } from '@sacp/bus';
import { type CommandReply, Subjects } from '@sacp/events';
import { TEST_ACTOR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

describe('commands: idempotency, conflicts and refusals (real NATS, Postgres, Docker)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  // events recorded for commands (the reconciler's, with no command id, may still arrive for the agents of earlier tests)
  const eventCount = async () => (await cp.pool.query<{ n: number }>("select count(*)::int as n from events where metadata->>'commandId' is not null")).rows[0]!.n;

  test('the same command id sent twice gives one set of events and the same reply', async () => {
    const commandId = randomUUID();
    const first = await cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: 'idem' }, { commandId });
    const second = await cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: 'idem' }, { commandId });
    assert.ok(first.ok && second.ok, JSON.stringify([first, second]));
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.deepEqual({ ...second, duplicate: false }, first);
    const { rows } = await cp.pool.query("select count(*)::int as n from events where type = 'agent.deployed' and metadata->>'commandId' = $1", [commandId]);
    assert.equal(rows[0].n, 1);
    const { rows: audit } = await cp.pool.query('select outcome from command_audit where command_id = $1 order by id', [commandId]);
    assert.deepEqual(
      audit.map((a) => a.outcome),
      ['accepted', 'duplicate'],
    );
    await cp.waitForAgent(first.result.agentId, (a) => a.state.observed === 'running', 'running');
  });

  test('two concurrent, conflicting commands on one agent: one wins, the other gets a conflict naming the agent', async () => {
    const agentId = await cp.deploy('sim', 'contested');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    // hold the agent's stream row so both commands decide on the same version, then let them race
    const blocker = new Client({ connectionString: cp.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select * from streams where stream_id = $1 for update', [`agent-${agentId}`]);
    let replies: CommandReply[];
    try {
      const both = Promise.all([cp.command('agent.stop', { agent: 'contested' }), cp.command('agent.remove', { agent: 'contested' })]);
      await waitFor('both commands to wait on the stream', async () => {
        const { rows } = await cp.pool.query(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%sacp_append%'",
        );
        return rows[0].n === 2;
      });
      await blocker.query('rollback');
      replies = await both;
    } finally {
      await blocker.end();
    }
    const won = replies.filter((r) => r.ok);
    const lost = replies.filter((r): r is Extract<CommandReply, { ok: false }> => !r.ok);
    assert.equal(won.length, 1, JSON.stringify(replies));
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.error.code, 'AGENT.CONFLICT');
    assert.match(lost[0]!.error.message, /agent "contested" was changed by another command at the same time/);
  });

  test('an unknown agent, an invalid template, a hostile template and malformed payloads are refused clearly, with no event', async () => {
    const before = await eventCount();
    const unknown = await cp.command('agent.stop', { agent: 'nobody' });
    assert.equal(!unknown.ok && unknown.error.code, 'AGENT.NOT_FOUND');
    assert.match(!unknown.ok ? unknown.error.message : '', /no agent named "nobody"/);

    const invalid = await cp.command('agent.deploy', { template: 'broken' });
    assert.equal(!invalid.ok && invalid.error.code, 'TEMPLATE.INVALID');
    assert.match(!invalid.ok ? invalid.error.message : '', /agents\/broken\.json: resources\.memory: expected a size like "256m"/);

    const missing = await cp.command('agent.deploy', { template: 'gpt9' });
    assert.equal(!missing.ok && missing.error.code, 'TEMPLATE.NOT_FOUND');
    assert.match(!missing.ok ? missing.error.message : '', /no template named "gpt9"; available: .*sim/);

    const hostile = await cp.command('agent.deploy', { template: 'hostile' });
    assert.equal(!hostile.ok && hostile.error.code, 'POLICY.VIOLATION');
    const msg = !hostile.ok ? hostile.error.message : '';
    for (const reason of [
      /privileged containers are refused/,
      /network "host" is refused/,
      /host path \/var\/run\/docker\.sock may not be mounted/,
      /capability SYS_ADMIN is refused/,
    ])
      assert.match(msg, reason);

    const badPayload = await cp.command('agent.deploy', { template: 42 });
    assert.equal(!badPayload.ok && badPayload.error.code, 'COMMAND.MALFORMED');
    assert.match(!badPayload.ok ? badPayload.error.message : '', /payload\.template|template: /);

    const badName = await cp.command('agent.deploy', { template: 'sim', name: 'Bad Name!' });
    assert.match(!badName.ok ? badName.error.message : '', /name: agent names are 1-63 characters/);

    const noActor = await requestJson<CommandReply>(
      cp.nc,
      Subjects.command('agent.stop', 'cli'),
      { type: 'agent.stop', version: 1, commandId: 'x', source: 's', payload: { agent: 'a' } },
      10_000,
    );
    assert.equal(!noActor.ok && noActor.error.code, 'COMMAND.MALFORMED');
    assert.match(!noActor.ok ? noActor.error.message : '', /actor/);

    const notJson = JSON.parse((await cp.nc.request(Subjects.command('agent.stop', 'cli'), '{not json', { timeout: 10_000 })).string()) as CommandReply;
    assert.equal(!notJson.ok && notJson.error.code, 'COMMAND.MALFORMED');

    const wrongSubject = await requestJson<CommandReply>(
      cp.nc,
      Subjects.command('agent.stop', 'cli'),
      { type: 'agent.remove', version: 1, commandId: 'y', actor: TEST_ACTOR, source: 's', payload: { agent: 'a' } },
      10_000,
    );
    assert.match(!wrongSubject.ok ? wrongSubject.error.message : '', /was sent on the subject for "agent.stop"/);

    assert.equal(await eventCount(), before, 'no event was recorded');
    const { rows } = await cp.pool.query("select outcome, count(*)::int as n from command_audit where outcome in ('rejected', 'malformed') group by outcome order by outcome");
    assert.deepEqual(
      rows,
      [
        { outcome: 'malformed', n: 5 },
        { outcome: 'rejected', n: 4 },
      ],
      'refused commands are audited',
    );
  });

  test('a deploy whose image does not exist is accepted, and the failure is recorded and shown once', async () => {
    const agentId = await cp.deploy('missing-image', 'ghost');
    const view = await cp.waitForAgent(agentId, (a) => a.lastError !== null, 'a recorded failure');
    assert.equal(view.lastError!.code, 'DOCKER.IMAGE_NOT_FOUND');
    assert.match(view.lastError!.message, /sacp\/never-built:latest/);
    await new Promise((r) => setTimeout(r, 2500)); // two more reconcile passes retry it
    const { rows } = await cp.pool.query("select count(*)::int as n from events where stream_id = $1 and type = 'agent.operation_failed'", [`agent-${agentId}`]);
    assert.equal(rows[0].n, 1, 'the same failure is not recorded again on every retry');
  });

  test('secrets reach the container environment, and never an event, the audit trail or a label', async () => {
    const agentId = await cp.deploy('keyed', 'keyed-1');
    const waiting = await cp.waitForAgent(agentId, (a) => a.lastError !== null, 'the missing secret');
    assert.equal(waiting.lastError!.code, 'SECRET.NOT_FOUND');
    assert.match(waiting.lastError!.message, /sacp secret set test-api-key --templates keyed/);

    const value = `sk-test-${randomUUID()}`;
    const set = await cp.command('secret.set', { name: 'test-api-key', value, templates: ['keyed'] });
    assert.ok(set.ok, JSON.stringify(set));
    await cp.command('agent.restart', { agent: 'keyed-1' });
    const running = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running with its secret');
    const info = await cp.docker['client'].api.getContainer(running.containerId!).inspect();
    assert.ok(info.Config.Env.includes(`API_KEY=${value}`));
    assert.ok(!JSON.stringify(info.Config.Labels).includes(value));
    for (const table of ['events', 'command_audit', 'commands']) {
      const { rows } = await cp.pool.query(`select count(*)::int as n from ${table} t where t::text like $1`, [`%${value}%`]);
      assert.equal(rows[0].n, 0, `${table} holds the secret in clear`);
    }
    const { rows } = await cp.pool.query('select count(*)::int as n from secrets where ciphertext::text like $1', [`%${Buffer.from(value).toString('hex')}%`]);
    assert.equal(rows[0].n, 0, 'stored encrypted');
    for (const o of cp.orchestrators) assert.ok(!o.logs.includes(value), 'never logged');
  });
});
