import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CommandReply } from '@sacp/events';
import { Client } from 'pg';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const SYSTEM = { kind: 'system' as const, id: 'monitor', displayName: 'monitor' };
type Refusal = Extract<CommandReply, { ok: false }>;
const refusal = (r: CommandReply): Refusal => {
  assert.equal(r.ok, false, JSON.stringify(r));
  return r;
};

describe('command ids are bound to their command (real NATS, Postgres, Docker)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  /** Sends both while the agent's stream row is locked, so both decide on one version and meet in the append. */
  async function race(agentId: string, a: () => Promise<CommandReply>, b: () => Promise<CommandReply>): Promise<CommandReply[]> {
    const blocker = new Client({ connectionString: cp.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select * from streams where stream_id = $1 for update', [`agent-${agentId}`]);
      const both = Promise.all([a(), b()]);
      await waitFor('both commands to wait in the append', async () => {
        const { rows } = await cp.pool.query(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%sacp_append%'",
        );
        return rows[0].n === 2;
      });
      await blocker.query('rollback');
      return await both;
    } finally {
      await blocker.end();
    }
  }

  const eventCount = async () => (await cp.pool.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
  const auditOf = async (commandId: string) =>
    (
      await cp.pool.query<{ outcome: string; command_type: string; error_code: string | null }>(
        'select outcome, command_type, error_code from command_audit where command_id = $1 order by id',
        [commandId],
      )
    ).rows;

  test('the same id on another command is refused with COMMAND.ID_REUSED naming the first, and nothing changes', async () => {
    const X = `x-${randomUUID()}`;
    const deployed = await cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: 'bound-1' }, { commandId: X });
    assert.ok(deployed.ok, JSON.stringify(deployed));
    const agentId = deployed.result.agentId;
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const before = await eventCount();

    // another type
    const stop = refusal(await cp.command('agent.stop', { agent: 'bound-1' }, { commandId: X }));
    assert.equal(stop.error.code, 'COMMAND.ID_REUSED');
    assert.match(stop.error.message, new RegExp(`command id "${X}" was already used by the command agent.deploy \\(recorded \\d{4}-\\d\\d-\\d\\dT`));
    assert.deepEqual((stop.error.details as { first: { type: string } }).first.type, 'agent.deploy');
    assert.equal((stop.error.details as { differs: string }).differs, 'type');

    // the same type with another payload
    const other = refusal(await cp.command('agent.deploy', { template: 'sim', name: 'bound-2' }, { commandId: X }));
    assert.equal(other.error.code, 'COMMAND.ID_REUSED');
    assert.equal((other.error.details as { differs: string }).differs, 'payload');

    // the same command from another kind of sender
    const elsewhere = refusal(
      await cp.command('agent.deploy', { template: 'sim', name: 'bound-1' }, { commandId: X, actor: { kind: 'discord', id: '42', displayName: 'someone' } }),
    );
    assert.equal(elsewhere.error.code, 'COMMAND.ID_REUSED');

    // nothing changed: no event, the agent still runs, its container too
    assert.equal(await eventCount(), before, 'no event appended');
    const [view] = await cp.status(agentId);
    assert.equal(view!.state.desired, 'running');
    assert.equal(view!.state.observed, 'running');
    const container = (await cp.containers()).find((c) => c.labels['sacp.agent-id'] === agentId || c.id === view!.containerId);
    assert.ok(container?.running, 'the container still runs');
    const { rows } = await cp.pool.query('select command_type, outcome from commands where command_id = $1', [X]);
    assert.deepEqual(rows, [{ command_type: 'agent.deploy', outcome: 'accepted' }], 'the id still names the first command');

    // the same command again is still a duplicate with the first outcome
    const again = await cp.command('agent.deploy', { template: 'sim', name: 'bound-1' }, { commandId: X });
    assert.ok(again.ok && again.duplicate, JSON.stringify(again));
    assert.deepEqual({ ...again, duplicate: false }, deployed);

    // every attempt is audited
    assert.deepEqual(
      (await auditOf(X)).map((a) => `${a.command_type}:${a.outcome}:${a.error_code ?? ''}`),
      [
        'agent.deploy:accepted:',
        'agent.stop:refused:COMMAND.ID_REUSED',
        'agent.deploy:refused:COMMAND.ID_REUSED',
        'agent.deploy:refused:COMMAND.ID_REUSED',
        'agent.deploy:duplicate:',
      ],
    );
  });

  test('an id first used by a rejected command is bound too', async () => {
    const Y = `y-${randomUUID()}`;
    const rejected = refusal(await cp.command('agent.stop', { agent: 'no-such-agent' }, { commandId: Y }));
    assert.equal(rejected.error.code, 'AGENT.NOT_FOUND');
    const before = await eventCount();
    const reused = refusal(await cp.command('agent.deploy', { template: 'sim', name: 'bound-3' }, { commandId: Y }));
    assert.equal(reused.error.code, 'COMMAND.ID_REUSED');
    assert.match(reused.error.message, /already used by the command agent\.stop/);
    assert.equal(await eventCount(), before);
    const twin = await cp.command('agent.stop', { agent: 'no-such-agent' }, { commandId: Y });
    assert.ok(!twin.ok && twin.duplicate && twin.error.code === 'AGENT.NOT_FOUND', JSON.stringify(twin));
  });

  test('concurrent twins: the same command twice is one outcome and a duplicate; two commands under one id are one outcome and a refusal', async () => {
    const agentId = await cp.deploy('sim', 'raced');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');

    const T = `t-${randomUUID()}`;
    const twins = await race(
      agentId,
      () => cp.command('agent.stop', { agent: 'raced' }, { commandId: T }),
      () => cp.command('agent.stop', { agent: 'raced' }, { commandId: T }),
    );
    assert.ok(
      twins.every((r) => r.ok),
      JSON.stringify(twins),
    );
    assert.deepEqual(twins.map((r) => r.duplicate).sort(), [false, true]);
    const { rows: stops } = await cp.pool.query("select count(*)::int as n from events where metadata->>'commandId' = $1", [T]);
    assert.equal(stops[0].n, 1);

    // the reconciler records the stop on the same stream: let it finish first, so only the two rivals meet in the append
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'stopped', 'stopped');
    const U = `u-${randomUUID()}`;
    const rivals = await race(
      agentId,
      () => cp.command('agent.restart', { agent: 'raced' }, { commandId: U }),
      () => cp.command('agent.remove', { agent: 'raced' }, { commandId: U }),
    );
    const won = rivals.filter((r) => r.ok);
    const lost = rivals.filter((r): r is Refusal => !r.ok);
    assert.equal(won.length, 1, JSON.stringify(rivals));
    assert.equal(won[0]!.duplicate, false);
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.error.code, 'COMMAND.ID_REUSED');
    const { rows } = await cp.pool.query("select count(*)::int as n from events where metadata->>'commandId' = $1", [U]);
    assert.equal(rows[0].n, 1, 'only the winner recorded events');
  });

  test('an id the monitor derives cannot be claimed first by another sender', async () => {
    const agentId = await cp.deploy('sim', 'watched-1');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const before = await eventCount();
    for (const id of [`idle:${agentId}:1`, `health:c0ffee:unhealthy:3`, `threshold:agent:${agentId}:memory:0`, `recovery:${randomUUID()}`, `alert:${randomUUID()}`]) {
      const r = refusal(await cp.command('agent.stop', { agent: 'watched-1' }, { commandId: id }));
      assert.equal(r.error.code, 'COMMAND.ID_RESERVED', id);
      assert.match(r.error.message, /reserved for the control plane's own commands/);
      assert.deepEqual(
        (await auditOf(id)).map((a) => `${a.outcome}:${a.error_code}`),
        ['refused:COMMAND.ID_RESERVED'],
        'audited',
      );
      const { rows } = await cp.pool.query('select 1 from commands where command_id = $1', [id]);
      assert.equal(rows.length, 0, 'the id stays free for the system');
    }
    assert.equal(await eventCount(), before);
    const [view] = await cp.status(agentId);
    assert.equal(view!.state.desired, 'running');

    // a Discord message's id belongs to the Discord gateway's commands
    const discordId = refusal(await cp.command('agent.stop', { agent: 'watched-1' }, { commandId: 'discord-1234567890123456789' }));
    assert.equal(discordId.error.code, 'COMMAND.ID_RESERVED');
    assert.match(discordId.error.message, /reserved for commands from discord/);

    // the system itself may use it
    const idle = await cp.command('agent.stop', { agent: 'watched-1' }, { commandId: `idle:${agentId}:1`, actor: SYSTEM });
    assert.ok(idle.ok && !idle.duplicate, JSON.stringify(idle));
    // a second monitor replica answering the same cause in other words is a duplicate, not a reuse
    const twin = await cp.command('agent.stop', { agent: agentId }, { commandId: `idle:${agentId}:1`, actor: SYSTEM, reason: 'the other replica' });
    assert.ok(twin.ok && twin.duplicate, JSON.stringify(twin));
    const other = refusal(
      await cp.command(
        'agent.report_health',
        { agent: agentId, containerId: 'c0ffee', status: 'healthy', probe: 'docker', output: '' },
        { commandId: `idle:${agentId}:1`, actor: SYSTEM },
      ),
    );
    assert.equal(other.error.code, 'COMMAND.ID_REUSED', 'another type is still refused');
  });
});
