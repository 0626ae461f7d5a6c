/**
 * Runs every benchmark in sequence (never in parallel: they would measure each
 * other on this 2-core machine), prints each one's tables as it finishes, then an
 * overview of the headline ratios and one JSON line with every summary.
 *
 *   npm run bench              # build, then all benches
 *   node dist/bench/run-all.js # all, already built
 *   node dist/bench/<name>.bench.js   # one
 */
import { performance } from 'node:perf_hooks';
import { run as commandToRunning } from './command-to-running.bench';
import { run as crashRecovery } from './crash-recovery.bench';
import { run as eventAppend } from './event-append.bench';
import { run as replay } from './replay.bench';
import { run as monitorFootprint } from './monitor-footprint.bench';
import { run as discordCommand } from './discord-command.bench';
import { run as liveLatency } from './live-latency.bench';
import { run as apiAgents } from './api-agents.bench';
import { run as dashboardGrid } from './dashboard-grid.bench';
import { run as logIngest } from './log-ingest.bench';
import { run as tasksLatency } from './tasks-latency.bench';
import { type BenchResult, machineNote, printResult, printTable } from './report';

const BENCHES: [string, () => Promise<BenchResult>][] = [
  ['command-to-running', commandToRunning],
  ['event-append', eventAppend],
  ['replay', replay],
  ['crash-recovery', crashRecovery],
  ['monitor-footprint', monitorFootprint],
  ['discord-command', discordCommand],
  ['live-latency', liveLatency],
  ['api-agents', apiAgents],
  ['dashboard-grid', dashboardGrid],
  ['log-ingest', logIngest],
  ['tasks-latency', tasksLatency],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length ? BENCHES.filter(([n]) => only.includes(n)) : BENCHES;
  const results: BenchResult[] = [];
  const failures: string[] = [];
  const t0 = performance.now();
  for (const [name, run] of selected) {
    process.stderr.write(`\n=== ${name} ===\n`);
    const started = performance.now();
    try {
      const r = await run();
      results.push(r);
      printResult(r);
      process.stderr.write(`=== ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s ===\n`);
    } catch (err) {
      failures.push(name);
      process.stderr.write(`=== ${name} FAILED: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const machine = machineNote();
  printTable({
    title: `Overview (${new Date().toISOString().slice(0, 10)}, ${machine.cpus} cores, ${seconds.toFixed(0)} s)`,
    headers: ['measure', 'control plane', 'baseline', 'ratio'],
    rows: results.flatMap((r) => r.headline.map((h) => [h.measure, h.subject, h.baseline, h.ratio])),
    notes: [
      'baselines run in the same process, same run, interleaved with the subject; compare ratios across runs, not absolute figures.',
      ...(failures.length ? [`FAILED: ${failures.join(', ')}`] : []),
    ],
  });
  console.log('');
  console.log(JSON.stringify({ bench: 'all', machine, seconds: Math.round(seconds), failed: failures, results: Object.fromEntries(results.map((r) => [r.name, r.summary])) }));
  process.exit(failures.length ? 1 : 0);
}

void main();
