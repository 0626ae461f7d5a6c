import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CommandReply } from '@sacp/events';
import { BusClient, NO_RETRY } from '@sacp/bus';
import { TestControlPlane, TEST_ACTOR } from '../../support/control-plane';

describe('two orchestrator replicas (real processes, one queue group)', () => {
  const cp = new TestControlPlane({ orchestrators: 2 });
  beforeAll(async () => {
    await cp.start();
  });
  const frozen = new Set<number>();
  afterAll(async () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    await cp.stop();
  });

  /** The bus client every front door uses, set as the CLI sets it: one attempt (no retry), the default resend. */
  const cli = () => new BusClient(cp.nc, { url: cp.nats.url, requestTimeoutMs: 30_000, retry: NO_RETRY, actor: TEST_ACTOR, source: 'test' });
  const isLeader = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { leader: boolean }).leader;

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
    const leaders = await Promise.all(cp.orchestrators.map((o) => isLeader(o.port)));
    assert.deepEqual(leaders.sort(), [false, true], 'exactly one replica reconciles and relays');
  });

  test('a frozen replica keeps its share of the queue group; commands sent meanwhile are answered by the other, once', async () => {
    const follower = (await Promise.all(cp.orchestrators.map(async (o) => ((await isLeader(o.port)) ? null : o)))).find((o) => o)!;
    process.kill(follower.pid!, 'SIGSTOP');
    frozen.add(follower.pid!);
    const t0 = Date.now();
    try {
      // NATS hands about half of these to the frozen replica, which never answers: each is sent again, with its id
      const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => cli().send('agent.deploy', { template: 'sim', name: `frozen-${i}` })));
      assert.deepEqual(
        replies.filter((r) => !r.ok),
        [],
        `every command is accepted, none times out (all answered after ${Date.now() - t0} ms)`,
      );
    } finally {
      process.kill(follower.pid!, 'SIGCONT');
      frozen.delete(follower.pid!);
    }
    // resumed, it answers the copies it was handed as duplicates: nothing is done twice
    await new Promise((r) => setTimeout(r, 2000));
    const { rows } = await cp.pool.query("select count(*)::int as n from events where type = 'agent.deployed' and data->>'name' like 'frozen-%'");
    assert.equal(rows[0].n, 6, 'one agent per command');
  });

  test('when the leader dies, the other replica takes over reconciling', async () => {
    const leader = await (async () => {
      for (const o of cp.orchestrators) if (await isLeader(o.port)) return o;
      throw new Error('no leader');
    })();
    await leader.kill('SIGKILL');
    // sent at once, as a user's CLI would: NATS may still count the dead replica in the group and hand it this
    // command (it does not redeliver); the client sends it again after a few seconds without a reply
    const reply = await cli().send('agent.deploy', { template: 'sim', name: 'after-failover' });
    if (!reply.ok) return assert.fail(`the deploy is accepted: ${JSON.stringify(reply.error)}`);
    await cp.waitForAgent(reply.result.agentId, (a) => a.state.observed === 'running', 'running after failover', 60_000);
  });
});
