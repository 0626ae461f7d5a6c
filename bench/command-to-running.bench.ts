/**
 * Command → container running.
 *
 * Subject (A): a real control plane (private Postgres database, private nats-server
 * with JetStream, the orchestrator process from dist/). The clock starts when the
 * agent.deploy request is sent and stops
 *   - "event": when `sacp.evt.agent.container_started` for that agent arrives on the
 *     bus (published by the relay after the Postgres commit), and
 *   - "registry": when the orchestrator's agent registry (the read model `sacp status`
 *     shows) has observed = running, polled every 10 ms straight from its table.
 * Baseline (B): raw dockerode createContainer + start of the same image with the very
 * same create options the orchestrator derives from the `sim` template (memory,
 * NanoCpus, PidsLimit, CapDrop ALL, no-new-privileges, user, read-only flags…),
 * labelled sacp.bench=<run id>.
 * A and B alternate (A,B,A,B…) so drift on a noisy machine hits both alike; every
 * container stays up until the end, so both see the same growing container count.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import { DEFAULT_POLICY, buildContainerSpec, parseTemplate } from '@sacp/domain';
import { createDockerClient, toCreateOptions } from '@sacp/docker';
import { Subjects } from '@sacp/events';
import { FIXTURE_CONFIG_DIR, TestControlPlane } from '../test/support/control-plane';
import { requireTestAgentImage } from '../test/support/docker';
import { type BenchResult, mean, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone, sleep } from './report';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 30);
const TEMPLATE = 'sim';
const BENCH_LABEL = 'sacp.bench';
const POLL_MS = 10;
const TIMEOUT_MS = 30_000;

/** The create options the orchestrator would use for the sim template, with bench labels instead of sacp ones. */
function baselineOptions(runId: string, i: number): Docker.ContainerCreateOptions {
  const file = `agents/${TEMPLATE}.json`;
  const parsed = parseTemplate(file, readFileSync(resolve(FIXTURE_CONFIG_DIR, file), 'utf8'), DEFAULT_POLICY);
  if (!parsed.ok) throw new Error(`fixture template ${file} does not parse: ${JSON.stringify(parsed.problems)}`);
  const agentId = `bench-${runId}-${i}`;
  const spec = buildContainerSpec({ agentId, name: `bench${i}`, generation: 1, template: { name: TEMPLATE, version: 1, hash: 'sha256:bench' } }, parsed.template, {
    instance: 'bench',
    store: 'bench',
    secrets: {},
  });
  return toCreateOptions({ ...spec, name: `sacp-bench-${runId}-${i}`, labels: { [BENCH_LABEL]: runId } });
}

async function removeBaselineContainers(api: Docker, runId: string): Promise<number> {
  const list = await api.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${runId}`] } });
  // a few at a time: the engine serialises much of this anyway
  for (let i = 0; i < list.length; i += 4) {
    await Promise.all(
      list.slice(i, i + 4).map((c) =>
        api
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
  }
  return list.length;
}

export async function run(): Promise<BenchResult> {
  const progress = progressFor('command-to-running');
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const api = createDockerClient().api;
  await requireTestAgentImage(api);

  progress(`starting a control plane (database, nats-server, orchestrator); run id ${runId}`);
  const cp = new TestControlPlane();
  const cleanup = async () => {
    await cp.stop().catch(() => undefined);
    await removeBaselineContainers(api, runId).catch(() => undefined);
  };
  const unhook = onInterrupt(cleanup);

  try {
    await cp.start();

    // container_started as the relay publishes it; a core subscription sees JetStream-bound publishes too
    const started = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const sub = cp.nc.subscribe(Subjects.event('agent.container_started'), {
      callback: (err, msg) => {
        if (err) return;
        const at = performance.now();
        const id = msg.json<{ data: { agentId: string } }>().data.agentId;
        if (!started.has(id)) started.set(id, at);
        waiters.get(id)?.();
      },
    });
    await cp.nc.flush();

    const eventArrival = (agentId: string) =>
      new Promise<number>((res, rej) => {
        const done = () => (clearTimeout(t), waiters.delete(agentId), res(started.get(agentId)!));
        const t = setTimeout(() => (waiters.delete(agentId), rej(new Error(`no container_started for ${agentId} within ${TIMEOUT_MS} ms`))), TIMEOUT_MS);
        if (started.has(agentId)) done();
        else waiters.set(agentId, done);
      });

    const registryRunning = async (agentId: string): Promise<number> => {
      const deadline = performance.now() + TIMEOUT_MS;
      while (performance.now() < deadline) {
        const { rows } = await cp.pool.query<{ observed: string }>('select observed from agent_registry where agent_id = $1', [agentId]);
        if (rows[0]?.observed === 'running') return performance.now();
        await sleep(POLL_MS);
      }
      throw new Error(`agent ${agentId} not running in the registry within ${TIMEOUT_MS} ms`);
    };

    const deployOnce = async (name: string) => {
      const t0 = performance.now();
      const reply = await cp.command<{ agentId: string }>('agent.deploy', { template: TEMPLATE, name });
      const accepted = performance.now();
      if (!reply.ok) throw new Error(`deploy refused: ${reply.error.code} ${reply.error.message}`);
      const agentId = reply.result.agentId;
      const [event, registry] = await Promise.all([eventArrival(agentId), registryRunning(agentId)]);
      return { agentId, accepted: accepted - t0, event: event - t0, registry: registry - t0 };
    };

    const rawOnce = async (i: number) => {
      const options = baselineOptions(runId, i);
      const t0 = performance.now();
      const container = await api.createContainer(options);
      await container.start();
      return performance.now() - t0;
    };

    progress('warming up (one deploy and one raw container, not counted)');
    const warm = await deployOnce('bench-warmup');
    await rawOnce(-1);
    progress(`warm-up deploy: event after ${ms(warm.event)}, registry after ${ms(warm.registry)}`);

    const a = { accepted: [] as number[], event: [] as number[], registry: [] as number[] };
    const b: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const d = await deployOnce(`bench-${i}`);
      ids.push(d.agentId);
      a.accepted.push(d.accepted);
      a.event.push(d.event);
      a.registry.push(d.registry);
      const raw = await rawOnce(i);
      b.push(raw);
      progress(`${i + 1}/${AGENTS}: control plane event ${ms(d.event)}, registry ${ms(d.registry)} | raw dockerode ${ms(raw)}`);
    }
    sub.unsubscribe();

    // sanity, untimed: the query path operators use agrees
    const statuses = await cp.status();
    const running = statuses.filter((s) => ids.includes(s.id) && s.state.observed === 'running').length;
    const containers = (await cp.containers()).length;
    progress(`sanity: ${running}/${AGENTS} agents running per \`status\`, ${containers} containers labelled for this instance`);

    // each A is paired with the B measured right after it: the median of those ratios shrugs off drift
    const paired = percentile(
      a.registry.map((x, i) => x / b[i]!),
      50,
    );
    const stat = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99), mean: mean(v), min: Math.min(...v), max: Math.max(...v) });
    const s = { accepted: stat(a.accepted), event: stat(a.event), registry: stat(a.registry), raw: stat(b) };
    const row = (label: string, x: ReturnType<typeof stat>, withRatio: boolean) => [
      label,
      ms(x.p50),
      ms(x.p99),
      ms(x.mean),
      withRatio ? ratio(x.p50, s.raw.p50) : '—',
      withRatio ? ratio(x.p99, s.raw.p99) : '—',
    ];

    return {
      name: 'command-to-running',
      tables: [
        {
          title: `Command → container running (n=${AGENTS} each, interleaved A,B,A,B)`,
          headers: ['path', 'p50', 'p99', 'mean', 'p50 ratio', 'p99 ratio'],
          rows: [
            row('A: deploy → registry observed=running', s.registry, true),
            row('A: deploy → container_started on bus', s.event, true),
            row('A: deploy → command accepted (reply)', s.accepted, false),
            row('B: raw dockerode create+start (baseline)', s.raw, false),
          ],
          notes: [
            `ratio = A / B in the same run. p99 of ${AGENTS} samples is the nearest-rank value (≈ the maximum).`,
            `median of the ${AGENTS} paired ratios (registry A_i / raw B_i, measured back to back): ${paired.toFixed(2)}x`,
            `sanity: ${running}/${AGENTS} agents running per status query; containers removed afterwards.`,
          ],
        },
      ],
      summary: {
        agents: AGENTS,
        registryRunningMs: { p50: round(s.registry.p50), p99: round(s.registry.p99), mean: round(s.registry.mean) },
        eventStartedMs: { p50: round(s.event.p50), p99: round(s.event.p99), mean: round(s.event.mean) },
        acceptedMs: { p50: round(s.accepted.p50), p99: round(s.accepted.p99) },
        rawDockerodeMs: { p50: round(s.raw.p50), p99: round(s.raw.p99), mean: round(s.raw.mean) },
        ratioP50: round(s.registry.p50 / s.raw.p50, 2),
        ratioP99: round(s.registry.p99 / s.raw.p99, 2),
        pairedMedianRatio: round(paired, 2),
        sanityRunning: running,
      },
      headline: [
        { measure: 'deploy → running p50', subject: ms(s.registry.p50), baseline: ms(s.raw.p50), ratio: ratio(s.registry.p50, s.raw.p50) },
        { measure: 'deploy → running p99', subject: ms(s.registry.p99), baseline: ms(s.raw.p99), ratio: ratio(s.registry.p99, s.raw.p99) },
        { measure: 'deploy → running, median of paired ratios', subject: 'A_i', baseline: 'B_i', ratio: `${paired.toFixed(2)}x` },
      ],
    };
  } finally {
    progress('cleaning up: orchestrator, containers (instance label and bench label), nats-server, database');
    await cp.stop().catch(() => undefined);
    const removed = await removeBaselineContainers(api, runId).catch(() => 0);
    const left = (await cp.containers().catch(() => [])).length + (await api.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${runId}`] } })).length;
    progress(`removed ${removed} baseline containers; ${left} left behind`);
    unhook();
  }
}

if (require.main === module) runStandalone(run);
