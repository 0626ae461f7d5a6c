/**
 * Task latency: a task created (task.create sent on the bus) → the offer accepted by
 * the agent (its handler runs), p50 and p99, against a plain NATS request/reply round
 * trip between the same two parties in the same run (the orchestrator's credential
 * asking the agent's, on the agent's own subjects).
 *
 * A whole control plane from the test harness (private Postgres database, nats-server
 * with JetStream, the real orchestrator from dist/). The agents are two real member
 * containers of a team (the sim agent's image only sleeping) whose side of the agent
 * protocol is played in this process by libs/agent-protocol's client on each member's
 * own credential, so the clock is the same for both ends. Tasks go to the team one at
 * a time (the policy picks an idle member); the agent accepts and at once reports a
 * result, so the next task finds its members idle again. The subject covers the
 * command (validate, decide, append), the dispatcher's pass (read model, policy, the
 * assignment appended) and the offer; the baseline is one request/reply.
 *
 *   node dist/bench/tasks-latency.bench.js        BENCH_TASKS (50), BENCH_TASK_PINGS (200)
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { AgentClient, agentInboxPrefix } from '@sacp/agent-protocol';
import { TestControlPlane } from '../test/support/control-plane';
import { deployMuteTeam, muteConfigDir, waitForTask } from '../test/support/tasks';
import { type BenchResult, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone, sleep } from './report';

export async function run(): Promise<BenchResult> {
  const N = Number(process.env.BENCH_TASKS ?? 50);
  const PINGS = Number(process.env.BENCH_TASK_PINGS ?? 200);
  const progress = progressFor('tasks-latency');
  const configs = muteConfigDir();
  const cp = new TestControlPlane({ configDir: configs.dir });
  const clients: AgentClient[] = [];
  const cleanup = async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await cp.stop();
    configs.remove();
  };
  const unhook = onInterrupt(cleanup);
  try {
    await cp.start();
    const ids = await deployMuteTeam(cp, 'bench', ['a', 'b']);
    const offeredAt = new Map<string, number>();
    for (const id of Object.values(ids)) {
      const cred = cp.nats.credential(`agent-${id}`);
      const client = await AgentClient.connectWith({ url: cp.nats.url, user: cred.user, password: cred.password, agentId: id });
      client.onOffer((o) => {
        if (!offeredAt.has(o.taskId)) offeredAt.set(o.taskId, performance.now());
        setImmediate(() => void client.succeed({ taskId: o.taskId, attempt: o.attempt, result: {} }));
        return { accepted: true };
      });
      clients.push(client);
    }

    // the baseline: the orchestrator's credential asks one agent's, on the agent's own subject
    const agentId = Object.values(ids)[0]!;
    const cred = cp.nats.credential(`agent-${agentId}`);
    const responder = await connect({ servers: cp.nats.url, user: cred.user, pass: cred.password, inboxPrefix: agentInboxPrefix(agentId) });
    const pingSubject = `sacp.agent.${agentId}.in.bench.ping`;
    responder.subscribe(pingSubject, { callback: (_e, m) => void m.respond('{"accepted":true}') });
    await responder.flush();
    const asker = await cp.connectAs('orchestrator');
    const pings: number[] = [];
    progress(`${PINGS} request/reply round trips (baseline)`);
    for (let i = -20; i < PINGS; i++) {
      const t = performance.now();
      await asker.request(pingSubject, '{"taskId":"x"}', { timeout: 5000 });
      if (i >= 0) pings.push(performance.now() - t);
    }

    progress(`warming up, then ${N} tasks for the team, one at a time`);
    const lat: number[] = [];
    for (let i = -5; i < N; i++) {
      const t = performance.now();
      const r = await cp.command<{ taskId: string }>('task.create', { title: `bench ${i}`, team: 'bench' });
      if (!r.ok) throw new Error(`task.create: ${r.error.code} ${r.error.message}`);
      const taskId = r.result.taskId;
      const deadline = Date.now() + 30_000;
      while (!offeredAt.has(taskId) && Date.now() < deadline) await sleep(1);
      if (!offeredAt.has(taskId)) throw new Error(`task ${taskId} was not offered within 30 s`);
      if (i >= 0) lat.push(offeredAt.get(taskId)! - t);
      await waitForTask(cp, taskId, (x) => x.status === 'succeeded', 'done', 30_000);
    }
    await responder.close();

    const p = (v: number[], q: number) => percentile(v, q);
    const row = (name: string, v: number[]) => [name, String(v.length), ms(p(v, 50)), ms(p(v, 90)), ms(p(v, 99)), ms(Math.max(...v))];
    return {
      name: 'tasks-latency',
      tables: [
        {
          title: `Task created → accepted by the agent (${N} tasks for a team of 2, one at a time)`,
          headers: ['path', 'samples', 'p50', 'p90', 'p99', 'max'],
          rows: [
            row('task.create → offer accepted (subject)', lat),
            row('NATS request/reply, orchestrator → agent (baseline)', pings),
            ['ratio', '', ratio(p(lat, 50), p(pings, 50)), ratio(p(lat, 90), p(pings, 90)), ratio(p(lat, 99), p(pings, 99)), ''],
          ],
          notes: [
            'the clock starts when task.create is sent and stops when the agent’s offer handler runs (same process, same clock)',
            'the subject is one command round trip, the dispatcher’s pass (read model, policy, assignment appended) and one offer request',
          ],
        },
      ],
      summary: {
        tasks: N,
        taskMs: { p50: round(p(lat, 50), 2), p99: round(p(lat, 99), 2) },
        natsMs: { p50: round(p(pings, 50), 2), p99: round(p(pings, 99), 2) },
        ratio: { p50: round(p(lat, 50) / p(pings, 50), 2), p99: round(p(lat, 99) / p(pings, 99), 2) },
      },
      headline: [
        { measure: 'task: created → accepted p50', subject: ms(p(lat, 50)), baseline: `${ms(p(pings, 50))} (NATS request/reply)`, ratio: ratio(p(lat, 50), p(pings, 50)) },
        { measure: 'task: created → accepted p99', subject: ms(p(lat, 99)), baseline: `${ms(p(pings, 99))} (NATS request/reply)`, ratio: ratio(p(lat, 99), p(pings, 99)) },
      ],
    };
  } finally {
    unhook();
    await cleanup();
  }
}

if (require.main === module) runStandalone(run);
