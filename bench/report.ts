/**
 * Formatting and plumbing shared by the benchmarks: percentiles, aligned tables,
 * progress lines (stderr, so stdout stays the report) and the final JSON line.
 *
 * Benchmarks here never pass or fail on absolute numbers: the machine is small and
 * noisy, so every figure is printed next to a baseline measured in the same run and
 * the ratio between them.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Table {
  title: string;
  headers: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export interface BenchResult {
  /** short name, e.g. "event-append" */
  name: string;
  tables: Table[];
  /** machine-readable figures; printed as one JSON line */
  summary: Record<string, unknown>;
  /** one line per headline figure, for run-all's overview */
  headline: { measure: string; subject: string; baseline: string; ratio: string }[];
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
export const perSec = (v: number) => `${Math.round(v).toLocaleString('en-US')}/s`;
export const ratio = (subject: number, baseline: number) => `${(subject / baseline).toFixed(2)}x`;
export const round = (v: number, digits = 1) => Number(v.toFixed(digits));

/** Prints a table with aligned columns (numbers right-aligned). */
export function printTable(t: Table, out: (line: string) => void = (l) => console.log(l)): void {
  const cells = [t.headers, ...t.rows.map((r) => r.map(String))];
  const widths = t.headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = t.headers.map((_, i) => t.rows.length > 0 && t.rows.every((r) => /^[-\d.,]+( ?(ms|x|\/s|s|%))?$/.test(String(r[i] ?? ''))));
  const line = (r: string[]) => '| ' + r.map((c, i) => (numeric[i] && r !== t.headers ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  out('');
  out(`## ${t.title}`);
  out('');
  out(line(t.headers));
  out('|' + widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const r of cells.slice(1)) out(line(r));
  for (const n of t.notes ?? []) out(`  ${n}`);
}

export function printResult(r: BenchResult): void {
  for (const t of r.tables) printTable(t);
  console.log('');
}

/** Progress for a long-running bench, on stderr with the time since the bench started. */
export function progressFor(bench: string): (message: string) => void {
  const t0 = performance.now();
  return (message) => process.stderr.write(`[${bench} +${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}

export function machineNote(): { date: string; cpus: number; memGiB: number; node: string } {
  return { date: new Date().toISOString(), cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** Cleanups that must run even on Ctrl-C (containers, databases). */
const cleanups = new Set<() => Promise<void>>();
let interruptHooked = false;
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  if (!interruptHooked) {
    interruptHooked = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        process.stderr.write(`\n${sig}: cleaning up before exit…\n`);
        void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
      });
    }
  }
  return () => cleanups.delete(cleanup);
}

/** Runs a bench as its own program: tables on stdout, then one JSON line. */
export function runStandalone(run: () => Promise<BenchResult>): void {
  run()
    .then((r) => {
      printResult(r);
      console.log(JSON.stringify({ bench: r.name, machine: machineNote(), ...r.summary }));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

export const sleep = (millis: number) => new Promise<void>((r) => setTimeout(r, millis));
