import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CommandReply } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';

describe('two orchestrator replicas (real processes, one queue group)', () => {
  const cp = new TestControlPlane({ orchestrators: 2 });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('a burst of commands, each sent twice, has no duplicate effect', async () => {
    const N = 12;
    const commands = Array.from({ length: N }, (_, i) => ({ commandId: randomUUID(), name: `burst-${i}` }));
    const sends = commands.flatMap((c) => [0, 1].map(() => cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: c.name }, { commandId: c.commandId })));
    const replies: CommandReply<{ agentId: string }>[] = await Promise.all(sends);
    assert.ok(
      replies.every((r) => r.ok),
      JSON.stringify(replies.filter((r) => !r.ok)),
    );
    for (let i = 0; i < N; i++) {
      const a: CommandReply<{ agentId: string }> = replies[2 * i]!;
      const b: CommandReply<{ agentId: string }> = replies[2 * i + 1]!;
      if (!a.ok || !b.ok) return assert.fail('both deliveries are accepted');
      assert.equal(a.result.agentId, b.result.agentId, 'both deliveries name the same agent');
    }
    const ids = [...new Set(replies.map((r) => (r.ok ? r.result.agentId : '')))];
    assert.equal(ids.length, N);

    // both replicas answered commands: the queue group spreads them
    const accepted = cp.orchestrators.map((o) => (o.logs.match(/"command accepted"/g) ?? []).length);
    assert.ok(
      accepted.every((n) => n > 0),
      `both replicas handled commands: ${accepted.join(',')}`,
    );

    for (const id of ids) await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running', 60_000);
    const containers = await cp.containers();
    assert.equal(containers.length, N, 'one container per agent');
    const { rows } = await cp.pool.query("select count(*)::int as n from events where type = 'agent.deployed'");
    assert.equal(rows[0].n, N);
    const { rows: created } = await cp.pool.query("select stream_id, count(*)::int as n from events where type = 'agent.container_created' group by stream_id having count(*) > 1");
    assert.deepEqual(created, [], 'no agent recorded two containers');
    const leaders = await Promise.all(cp.orchestrators.map(async (o) => ((await (await fetch(`http://127.0.0.1:${o.port}/health/ready`)).json()) as { leader: boolean }).leader));
    assert.deepEqual(leaders.sort(), [false, true], 'exactly one replica reconciles and relays');
  });

  test('when the leader dies, the other replica takes over reconciling', async () => {
    const leader = await (async () => {
      for (const o of cp.orchestrators) if (((await (await fetch(`http://127.0.0.1:${o.port}/health/ready`)).json()) as { leader: boolean }).leader) return o;
      throw new Error('no leader');
    })();
    await leader.kill('SIGKILL');
    const id = await cp.deploy('sim', 'after-failover');
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running after failover', 60_000);
  });
});
