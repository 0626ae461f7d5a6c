/**
 * Monitor CPU and memory per managed agent, and the time one full observation pass takes.
 *
 * Subject: the real monitor process from dist/ (with the orchestrator, a private
 * database and nats-server, from the test harness), watching 0, then 50, then 200
 * agents of the sim image (fixture template `fleet` by default: 64 MiB, 0.1 CPU, a
 * heartbeat every 5 s and its health check every 30 s). Agents are deployed with
 * `agent.deploy` commands, a few in flight at once, and measured once all run.
 *
 * Per fleet size, over a window of whole sampling cycles (from the start of a pass to
 * the start of the first pass at least BENCH_FOOTPRINT_WINDOW_MS and two cycles later):
 *   - CPU: utime + stime of the monitor process from /proc/<pid>/stat, as % of one core;
 *   - memory: VmRSS from /proc/<pid>/status, the median of one reading a second in the window;
 *   - pass time: the monitor's resource pass (host sample, then one one-shot Docker
 *     stats call per running agent, up to 100 in flight, each published on NATS), timed from
 *     outside: from the pass start (the `at` of the host sample on `sacp.metrics.host`)
 *     to the arrival of the last agent sample of that pass on `sacp.metrics.agent.*`.
 * Baselines in the same run:
 *   - the monitor with 0 agents (same window), so the figures become per-agent increments;
 *   - the raw pass, done by this process with the same DockerDriver: one container
 *     listing by label plus one one-shot stats call per container, (a) as many in
 *     flight as the monitor allows (its STATS_CONCURRENCY, 100: the baseline for the
 *     monitor's pass) and (b) all in flight at once (the floor Docker's stats API
 *     allows), plus, for information, (c) the same figures read straight from the
 *     cgroup files (what a sample costs without Docker). All run right after a monitor
 *     pass ended, in the interval's pause (each takes a collector tick or two).
 *
 * Docker 20.10 answers a one-shot stats call on its stats collector's next tick
 * (about a second) except for a container's first call; concurrent calls share the
 * tick. So a pass costs about a second per batch of calls in flight (the monitor sends up
 * to 100 at once, so a second per 100 agents).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { createDockerClient } from '@sacp/docker';
import { Subjects } from '@sacp/events';
import { TestControlPlane } from '../test/support/control-plane';
import { requireTestAgentImage } from '../test/support/docker';
import { STATS_CONCURRENCY } from '../apps/monitor/src/resources/resource-sampler.service';
import { type BenchResult, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone, sleep } from './report';

const TEMPLATE = process.env.BENCH_FOOTPRINT_TEMPLATE ?? 'fleet';
const FLEETS = (process.env.BENCH_FLEETS ?? '50,200').split(',').map(Number);
const SAMPLE_INTERVAL_MS = Number(process.env.BENCH_MONITOR_SAMPLE_INTERVAL_MS ?? 5000);
const WINDOW_MS = Number(process.env.BENCH_FOOTPRINT_WINDOW_MS ?? 20_000);
const DEPLOY_CONCURRENCY = 8;
const IDLE_SETTLE_MS = 10_000;
const CLK_TCK = 100; // getconf CLK_TCK on Linux/x86-64
/** the services' own defaults (the test harness shortens them) */
const SERVICE_ENV = {
  SACP_RECONCILE_INTERVAL_MS: '5000',
  SACP_POLL_INTERVAL_MS: '1000',
  MONITOR_SAMPLE_INTERVAL_MS: String(SAMPLE_INTERVAL_MS),
  MONITOR_HEALTH_TICK_MS: '1000',
};

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime (14), stime (15)
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/** The Docker daemon's pid, for an information row (read only). */
function dockerdPid(): number | null {
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    return pid > 0 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd' ? pid : null;
  } catch {
    return null;
  }
}

interface Pass {
  /** wall-clock ms: the pass's own start (`at` of its host sample) */
  start: number;
  /** performance.now() when its host sample arrived */
  hostArrival: number;
  lastArrival: number;
  agents: number;
  /** wall-clock ms of the last sample's arrival */
  lastWall: number;
}

/** Follows the monitor's sampling passes on NATS. */
class PassTracker {
  readonly passes: Pass[] = [];
  private sub: Subscription | null = null;
  private nc: NatsConnection | null = null;
  private waiters: (() => void)[] = [];
  expected = 0;

  /** as the monitor's credential: samples are the monitor's to read, not the CLI's */
  async start(cp: TestControlPlane): Promise<void> {
    this.nc = await cp.connectAs('monitor');
    this.sub = this.nc.subscribe(Subjects.metricsWildcard, {
      callback: (err, msg) => {
        if (err) return;
        const now = performance.now();
        const wall = Date.now();
        if (msg.subject === Subjects.metricsHost) {
          const at = Date.parse(msg.json<{ at: string }>().at);
          this.passes.push({ start: at, hostArrival: now, lastArrival: now, lastWall: wall, agents: 0 });
          for (const w of this.waiters.splice(0)) w();
        } else {
          const p = this.passes[this.passes.length - 1];
          if (!p) return;
          p.agents++;
          p.lastArrival = now;
          p.lastWall = wall;
          if (p.agents === this.expected) for (const w of this.waiters.splice(0)) w();
        }
      },
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
    void this.nc?.close();
  }

  /** Resolves at the start of the next pass. */
  async nextPassStart(timeoutMs = 60_000): Promise<Pass> {
    const n = this.passes.length;
    const deadline = performance.now() + timeoutMs;
    while (this.passes.length === n) {
      if (performance.now() > deadline) throw new Error(`no sampling pass within ${timeoutMs} ms`);
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 1000);
      });
    }
    return this.passes[this.passes.length - 1]!;
  }

  /** Resolves once a pass has published a sample for every one of `expected` agents. */
  async nextCompletePass(timeoutMs = 60_000): Promise<Pass> {
    // the pass under way counts if it has not finished yet
    const current = this.passes[this.passes.length - 1];
    const currentDone = !current || current.agents >= this.expected;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const p = this.passes[this.passes.length - 1];
      if (p && (p !== current || !currentDone) && p.agents >= this.expected) return p;
      if (performance.now() > deadline) throw new Error(`no pass sampling all ${this.expected} agents within ${timeoutMs} ms (last: ${p?.agents ?? 0})`);
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 250);
      });
    }
  }

  /** Duration of a finished pass: pass start → last sample (the host sample when there are no agents). */
  static duration(p: Pass): number {
    return p.lastWall - p.start;
  }
}

interface Level {
  agents: number;
  windowS: number;
  cpuPercent: number;
  rssMiB: number;
  dockerdCpuPercent: number | null;
  passMs: number[];
  passesInWindow: number;
  /** agent samples published in the window */
  samplesInWindow: number;
  cpuSeconds: number;
  /** raw passes with the monitor's 8 stats calls in flight */
  rawMs: number[];
  /** raw passes with every stats call in flight at once */
  rawAllMs: number[];
  rawListMs: number[];
  cgroupMs: number[];
}

export async function run(): Promise<BenchResult> {
  const progress = progressFor('monitor-footprint');
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const api = createDockerClient().api;
  await requireTestAgentImage(api);
  const dockerVersion = (await api.version()).Version;

  progress(`starting a control plane with one monitor (MONITOR_SAMPLE_INTERVAL_MS=${SAMPLE_INTERVAL_MS}); run id ${runId}`);
  const cp = new TestControlPlane({ monitors: 1, env: SERVICE_ENV });
  const unhook = onInterrupt(async () => void (await cp.stop().catch(() => undefined)));
  const tracker = new PassTracker();
  const started = performance.now();

  try {
    await cp.start();
    const pid = cp.monitors[0]!.pid!;
    const dpid = dockerdPid();
    await tracker.start(cp);
    await cp.nc.flush();

    let deployed = 0;
    const deploy = async (target: number) => {
      let next = deployed;
      const worker = async () => {
        while (next < target) {
          const i = next++;
          const r = await cp.command<{ agentId: string }>('agent.deploy', { template: TEMPLATE, name: `fleet-${i}` });
          if (!r.ok) throw new Error(`deploy refused: ${r.error.code} ${r.error.message}`);
        }
      };
      await Promise.all(Array.from({ length: DEPLOY_CONCURRENCY }, worker));
      deployed = target;
      const deadline = performance.now() + 300_000;
      for (;;) {
        const { rows } = await cp.pool.query<{ n: number }>(`select count(*)::int as n from agent_registry where observed = 'running'`);
        if (rows[0]!.n >= target) break;
        if (performance.now() > deadline) throw new Error(`only ${rows[0]!.n}/${target} agents running after 300 s`);
        await sleep(500);
      }
    };

    const listFleet = () => api.listContainers({ filters: { label: [`sacp.instance=${cp.instance}`], status: ['running'] } });
    /** a raw observation pass: list by label, then one one-shot stats per container, `inFlight` at a time */
    const rawPass = async (inFlight: number) => {
      const t0 = performance.now();
      const list = await listFleet();
      const listed = performance.now();
      let ok = 0;
      for (let i = 0; i < list.length; i += inFlight) {
        const batch = await Promise.all(list.slice(i, i + inFlight).map((c) => cp.docker.stats(c.Id).catch(() => null)));
        ok += batch.filter(Boolean).length;
      }
      return { total: performance.now() - t0, list: listed - t0, containers: list.length, ok };
    };
    /** information only: the same listing, then CPU, memory and pids straight from the cgroup (v1, cgroupfs) files, no daemon */
    const cgroupPass = async (): Promise<number | null> => {
      const t0 = performance.now();
      const list = await listFleet();
      try {
        await Promise.all(
          list.flatMap((c) =>
            ['cpuacct/docker/%/cpuacct.usage', 'memory/docker/%/memory.usage_in_bytes', 'pids/docker/%/pids.current'].map((f) =>
              readFile(`/sys/fs/cgroup/${f.replace('%', c.Id)}`, 'utf8'),
            ),
          ),
        );
      } catch {
        return null; // another cgroup layout: the row says n/a
      }
      return performance.now() - t0;
    };

    const measure = async (agents: number): Promise<Level> => {
      tracker.expected = agents;
      // settle: one pass that sampled every agent, then start at the next pass's start
      await tracker.nextCompletePass(120_000);
      const first = await tracker.nextPassStart();
      const firstIndex = tracker.passes.indexOf(first);
      const cpu0 = cpuSeconds(pid);
      const d0 = dpid ? cpuSeconds(dpid) : 0;
      const t0 = performance.now();
      // RSS moves with every garbage collection: the median of one reading a second
      const rssReadings = [rssKiB(pid)];
      const rssTimer = setInterval(() => rssReadings.push(rssKiB(pid)), 1000);
      let last: Pass;
      let cycles = 0;
      do {
        last = await tracker.nextPassStart();
        cycles++;
      } while (performance.now() - t0 < WINDOW_MS || cycles < 2);
      const cpu1 = cpuSeconds(pid);
      const d1 = dpid ? cpuSeconds(dpid) : 0;
      const t1 = performance.now();
      clearInterval(rssTimer);
      rssReadings.push(rssKiB(pid));
      const rss = percentile(rssReadings, 50);
      const lastIndex = tracker.passes.indexOf(last);
      const windowS = (t1 - t0) / 1000;
      const inWindow = tracker.passes.slice(firstIndex, lastIndex);
      const samples = inWindow.reduce((n, p) => n + p.agents, 0);
      progress(
        `${agents} agents: window ${windowS.toFixed(1)} s (${inWindow.length} passes): monitor CPU ${(((cpu1 - cpu0) / windowS) * 100).toFixed(2)}% of a core, RSS ${(rss / 1024).toFixed(1)} MiB`,
      );

      // the raw passes, right after a monitor pass ended, inside the interval's pause: each costs a
      // collector tick per batch (one batch up to 100 containers), ~1-2 s.
      const c8: Awaited<ReturnType<typeof rawPass>>[] = [];
      const all: Awaited<ReturnType<typeof rawPass>>[] = [];
      const cgroup: number[] = [];
      if (agents > 0) await tracker.nextCompletePass(120_000);
      else await tracker.nextPassStart();
      await sleep(50);
      for (let r = 0; r < 2; r++) {
        all.push(await rawPass(Math.max(1, agents)));
        const g = await cgroupPass();
        if (g !== null) cgroup.push(g);
      }
      for (let r = 0; r < (agents > 100 ? 1 : 2); r++) c8.push(await rawPass(STATS_CONCURRENCY));
      const bad = [...c8, ...all].find((r) => r.containers !== agents || r.ok !== agents);
      if (bad) progress(`note: a raw pass saw ${bad.containers} containers, ${bad.ok} stats`);
      // every pass from the window on that sampled the whole fleet (and is over)
      const done = tracker.passes.slice(firstIndex).filter((p) => p.agents >= agents);
      const passMs = done.map((p) => PassTracker.duration(p));
      progress(
        `${agents} agents: monitor pass p50 ${ms(percentile(passMs, 50))} (n=${passMs.length}); raw, ${STATS_CONCURRENCY} in flight ${c8.map((r) => ms(r.total)).join(', ')}; all in flight ${all.map((r) => ms(r.total)).join(', ')}; cgroup files ${cgroup.map(ms).join(', ') || 'n/a'}`,
      );
      return {
        agents,
        windowS,
        cpuPercent: ((cpu1 - cpu0) / windowS) * 100,
        rssMiB: rss / 1024,
        dockerdCpuPercent: dpid ? ((d1 - d0) / windowS) * 100 : null,
        passMs,
        passesInWindow: inWindow.length,
        samplesInWindow: samples,
        cpuSeconds: cpu1 - cpu0,
        rawMs: c8.map((r) => r.total),
        rawAllMs: all.map((r) => r.total),
        rawListMs: [...c8, ...all].map((r) => r.list),
        cgroupMs: cgroup,
      };
    };

    progress(`0 agents: the idle monitor (baseline), after ${IDLE_SETTLE_MS / 1000} s to settle from its start`);
    await sleep(IDLE_SETTLE_MS);
    const levels: Level[] = [await measure(0)];
    for (const n of FLEETS) {
      const t = performance.now();
      progress(`deploying ${n - deployed} agents of template ${TEMPLATE} (${DEPLOY_CONCURRENCY} commands in flight)`);
      await deploy(n);
      progress(`${n} agents running after ${((performance.now() - t) / 1000).toFixed(1)} s`);
      levels.push(await measure(n));
    }
    tracker.stop();

    const idle = levels[0]!;
    const perAgent = (l: Level) => ({
      cpu: (l.cpuPercent - idle.cpuPercent) / l.agents,
      rssKiB: ((l.rssMiB - idle.rssMiB) * 1024) / l.agents,
    });
    /** monitor CPU above idle per agent sample published in the window (the sampling period grows with the fleet) */
    const cpuPerSampleMs = (l: Level) => (l.samplesInWindow ? ((l.cpuSeconds - (idle.cpuPercent / 100) * l.windowS) * 1000) / l.samplesInWindow : Number.NaN);
    const seconds = (performance.now() - started) / 1000;
    const p50 = (v: number[]) => percentile(v, 50);
    const big = levels[levels.length - 1]!;

    const footprintRows = levels.map((l) => [
      l.agents === 0 ? '0 (baseline)' : String(l.agents),
      `${l.cpuPercent.toFixed(2)}%`,
      l.agents ? `${perAgent(l).cpu.toFixed(3)}%` : '—',
      l.agents ? ms(cpuPerSampleMs(l)) : '—',
      `${l.rssMiB.toFixed(1)} MiB`,
      l.agents ? `${perAgent(l).rssKiB.toFixed(0)} KiB` : '—',
      l.dockerdCpuPercent === null ? 'n/a' : `${l.dockerdCpuPercent.toFixed(1)}%`,
      `${l.windowS.toFixed(1)} s / ${l.passesInWindow} / ${l.samplesInWindow}`,
    ]);
    const marginal =
      levels.length >= 3
        ? (() => {
            const [a, b] = [levels[levels.length - 2]!, big];
            return `marginal from ${a.agents} to ${b.agents} agents: ${((b.cpuPercent - a.cpuPercent) / (b.agents - a.agents)).toFixed(3)}% of a core and ${(((b.rssMiB - a.rssMiB) * 1024) / (b.agents - a.agents)).toFixed(0)} KiB RSS per agent`;
          })()
        : null;
    const passRows = levels.map((l) => [
      l.agents === 0 ? '0 (baseline)' : String(l.agents),
      ms(p50(l.passMs)),
      ms(Math.max(...l.passMs)),
      String(l.passMs.length),
      ms(p50(l.rawMs)),
      l.agents ? ratio(p50(l.passMs), p50(l.rawMs)) : '—',
      ms(p50(l.rawAllMs)),
      l.agents ? ratio(p50(l.passMs), p50(l.rawAllMs)) : '—',
      l.cgroupMs.length ? ms(p50(l.cgroupMs)) : 'n/a',
      ms(p50(l.rawListMs)),
    ]);

    return {
      name: 'monitor-footprint',
      tables: [
        {
          title: `Monitor footprint per managed agent (template ${TEMPLATE}, MONITOR_SAMPLE_INTERVAL_MS=${SAMPLE_INTERVAL_MS})`,
          headers: ['agents', 'monitor CPU', 'CPU per agent', 'CPU per agent sample', 'monitor RSS', 'RSS per agent', 'dockerd CPU (info)', 'window / passes / samples'],
          rows: footprintRows,
          notes: [
            `CPU = utime+stime of the monitor process (/proc/${'<pid>'}/stat) over whole sampling cycles, in % of one core; RSS = the median of VmRSS read once a second in the window.`,
            `per agent = (figure at N − figure at 0 agents, same run) / N.${marginal ? ` ${marginal}.` : ''}`,
            `CPU per agent sample = CPU seconds above the idle rate / agent samples published in the window: the sampling period grows with the fleet (see the pass table), so % per agent alone understates the cost at 200.`,
            `the monitor's loops: resource pass every ${SAMPLE_INTERVAL_MS} ms after the previous one ended, health tick every ${SERVICE_ENV.MONITOR_HEALTH_TICK_MS} ms (the fleet template's check is read every 30 s per agent);`,
            `  orchestrator at its defaults (reconcile ${SERVICE_ENV.SACP_RECONCILE_INTERVAL_MS} ms, poll ${SERVICE_ENV.SACP_POLL_INTERVAL_MS} ms). dockerd CPU covers everything Docker did in the window (health execs, the orchestrator's reconcile listing, these stats calls).`,
          ],
        },
        {
          title: 'One full observation pass (resource sampling of every running agent)',
          headers: [
            'agents',
            'monitor pass p50',
            'monitor pass max',
            'passes',
            `raw, ${STATS_CONCURRENCY} in flight (baseline)`,
            'ratio',
            'raw, all in flight',
            'ratio',
            'cgroup files (info)',
            'listing alone',
          ],
          rows: passRows,
          notes: [
            `monitor pass = the host sample's \`at\` → the last agent sample of that pass arriving on NATS; the monitor makes ${STATS_CONCURRENCY} one-shot stats calls at a time.`,
            `raw = this process, same DockerDriver: listContainers by label + one one-shot stats per container, ${STATS_CONCURRENCY} in flight as the monitor does (the baseline) and all in flight at once, each twice (once above 100 agents), right after a monitor pass ended, inside the ${SAMPLE_INTERVAL_MS} ms pause.`,
            `cgroup files = the same listing, then cpuacct.usage, memory.usage_in_bytes and pids.current read straight from cgroup v1 (no network counters, no daemon): what a sample costs without Docker's stats API.`,
            `ratio = monitor pass / raw pass in the same run. The next pass starts ${SAMPLE_INTERVAL_MS} ms after one ends, so the sampling period is ${SAMPLE_INTERVAL_MS} ms + the pass time.`,
            `Docker ${dockerVersion} (here) answers a one-shot stats call on its stats collector's next tick (≈ 1 s) except for a container's first call, and concurrent calls share the tick: a pass costs ≈ 1 s per ${STATS_CONCURRENCY} agents with ${STATS_CONCURRENCY} in flight, ≈ 1 s with all in flight.`,
          ],
        },
      ],
      summary: {
        template: TEMPLATE,
        dockerVersion,
        sampleIntervalMs: SAMPLE_INTERVAL_MS,
        seconds: Math.round(seconds),
        levels: levels.map((l) => ({
          agents: l.agents,
          cpuPercent: round(l.cpuPercent, 2),
          rssMiB: round(l.rssMiB, 1),
          cpuPercentPerAgent: l.agents ? round(perAgent(l).cpu, 4) : null,
          rssKiBPerAgent: l.agents ? round(perAgent(l).rssKiB, 0) : null,
          cpuMsPerAgentSample: l.agents ? round(cpuPerSampleMs(l), 2) : null,
          samplesInWindow: l.samplesInWindow,
          windowS: round(l.windowS, 1),
          dockerdCpuPercent: l.dockerdCpuPercent === null ? null : round(l.dockerdCpuPercent, 1),
          passMsP50: round(p50(l.passMs)),
          passMsMax: round(Math.max(...l.passMs)),
          passes: l.passMs.length,
          rawPassMsP50: round(p50(l.rawMs)),
          rawAllInFlightMsP50: round(p50(l.rawAllMs)),
          cgroupFilesMsP50: l.cgroupMs.length ? round(p50(l.cgroupMs)) : null,
          passRatio: l.agents ? round(p50(l.passMs) / p50(l.rawMs), 2) : null,
          passRatioVsAllInFlight: l.agents ? round(p50(l.passMs) / p50(l.rawAllMs), 2) : null,
        })),
      },
      headline: levels
        .filter((l) => l.agents > 0)
        .flatMap((l) => [
          {
            measure: `monitor CPU at ${l.agents} agents (per agent)`,
            subject: `${l.cpuPercent.toFixed(2)}% (${perAgent(l).cpu.toFixed(3)}%)`,
            baseline: `${idle.cpuPercent.toFixed(2)}% idle`,
            ratio: ratio(l.cpuPercent, idle.cpuPercent),
          },
          {
            measure: `monitor RSS at ${l.agents} agents (per agent)`,
            subject: `${l.rssMiB.toFixed(1)} MiB (${perAgent(l).rssKiB.toFixed(0)} KiB)`,
            baseline: `${idle.rssMiB.toFixed(1)} MiB idle`,
            ratio: ratio(l.rssMiB, idle.rssMiB),
          },
          {
            measure: `observation pass at ${l.agents} agents p50 (vs raw, ${STATS_CONCURRENCY} in flight)`,
            subject: ms(p50(l.passMs)),
            baseline: ms(p50(l.rawMs)),
            ratio: ratio(p50(l.passMs), p50(l.rawMs)),
          },
          {
            measure: `observation pass at ${l.agents} agents p50 (vs raw, all in flight)`,
            subject: ms(p50(l.passMs)),
            baseline: ms(p50(l.rawAllMs)),
            ratio: ratio(p50(l.passMs), p50(l.rawAllMs)),
          },
        ]),
    };
  } finally {
    tracker.stop();
    progress('cleaning up: monitor, orchestrator, every container of this instance, nats-server, database');
    const t = performance.now();
    // stop the services first, then remove the fleet 8 at a time (TestControlPlane.stop() removes one by one)
    for (const s of [...cp.monitors, ...cp.orchestrators]) await s.kill('SIGTERM').catch(() => undefined);
    const mine = await api.listContainers({ all: true, filters: { label: [`sacp.instance=${cp.instance}`] } }).catch(() => []);
    for (let i = 0; i < mine.length; i += 8)
      await Promise.all(
        mine.slice(i, i + 8).map((c) =>
          api
            .getContainer(c.Id)
            .remove({ force: true, v: true })
            .catch(() => undefined),
        ),
      );
    await cp.stop().catch(() => undefined);
    const left = (await cp.containers().catch(() => [])).length;
    progress(`cleaned up in ${((performance.now() - t) / 1000).toFixed(1)} s; ${left} containers left behind`);
    unhook();
  }
}

if (require.main === module) runStandalone(run);
