/**
 * Dashboard: time from navigation to the agent grid showing 500 agents, in headless
 * Chromium (Debian's, through playwright-core), signed in.
 *
 * Setup (untimed): a whole control plane (private database, NATS, the orchestrator and
 * the api from dist/) with 500 agents written straight into the event store (claim,
 * deploy, container created, started, stop requested, stopped: each a stopped agent,
 * so no container is started for them), projected by the orchestrator into its registry.
 *
 * Subject (A): a fresh browser context (cold cache, the session cookie set) navigates to
 * `/`; the clock stops when the 500th agent row is in the DOM. That is the bundle's
 * download and start, GET /api/v1/auth/me, GET /api/v1/agents (the bus query and the
 * registry read) and Preact's first render of 500 rows.
 * Baseline (B): the same browser, a fresh context too, navigates to a static page of 500
 * rows holding the very same agents' fields (one table, no script), served from a plain
 * node:http server on loopback: what any web page of 500 rows costs on this machine.
 * Interleaved A, B, A, B…; one warm-up of each not counted.
 */
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { EventMetadata } from '@sacp/events';
import { TestControlPlane } from '../test/support/control-plane';
import { TestApi } from '../test/support/api';
import { launchBrowser } from '../test/support/browser';
import { waitFor } from '../test/support/ports';
import { type BenchResult, mean, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone } from './report';

const AGENTS = Number(process.env.BENCH_DASHBOARD_AGENTS ?? 500);
const N = Number(process.env.BENCH_DASHBOARD_ROUNDS ?? 15);
const ROWS = '[data-testid="agent-row"]';

async function seed(cp: TestControlPlane, count: number): Promise<void> {
  const store = await cp.eventStore();
  const meta = (): EventMetadata => ({
    commandId: null,
    correlationId: randomUUID(),
    causationId: null,
    actor: { kind: 'cli', id: 'bench', displayName: 'bench' },
    source: 'bench:dashboard',
    reason: 'seeded for the dashboard bench',
    occurredAt: new Date().toISOString(),
  });
  for (let i = 0; i < count; i++) {
    const agentId = randomUUID();
    const name = `grid-${String(i).padStart(3, '0')}`;
    const c = `${agentId.replace(/-/g, '')}${'b'.repeat(32)}`;
    const ev = (type: string, data: Record<string, unknown>) => ({ type, schemaVersion: 1, data });
    await store.append(
      [
        { streamId: `agent-name-${name}`, expectedVersion: 0, events: [ev('agent.name_claimed', { name, agentId })] },
        {
          streamId: `agent-${agentId}`,
          expectedVersion: 0,
          events: [
            ev('agent.deployed', { agentId, name, template: { name: 'sim', version: 1, hash: 'sha256:bench' }, generation: 1 }),
            ev('agent.container_created', { agentId, containerId: c, containerName: `sacp-${name}-g1`, generation: 1 }),
            ev('agent.container_started', { agentId, containerId: c }),
            ev('agent.stop_requested', { agentId }),
            ev('agent.container_stopped', { agentId, containerId: c, exitCode: 0 }),
          ],
        },
      ],
      meta(),
    );
  }
}

const escape = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The baseline's page: the same agents as one plain table, served with no script at all. */
interface ListedAgent {
  name: string;
  template: { name: string; version: number } | null;
  state: { desired: string; observed: string };
  health: string;
  restarts: number;
}

function staticPage(agents: ListedAgent[]): Promise<{ server: Server; url: string }> {
  const rows = agents
    .map(
      (a) =>
        `<tr data-testid="agent-row"><td>${escape(a.name)}</td><td>${escape(a.template ? `${a.template.name}@${a.template.version}` : '')}</td><td>${a.state.observed}</td><td>${a.state.desired}</td><td>${a.health}</td><td>${a.restarts}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body><table>${rows}</table></body></html>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

async function timeToRows(browser: Browser, url: string, cookie: { name: string; value: string } | null, count: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    if (cookie) await context.addCookies([{ ...cookie, url }]);
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    // a locator, not waitForFunction with a string: the dashboard's CSP forbids eval, rightly
    await page
      .locator(ROWS)
      .nth(count - 1)
      .waitFor({ state: 'attached', timeout: 60_000 });
    return performance.now() - t0;
  } finally {
    await context.close();
  }
}

export async function run(): Promise<BenchResult> {
  const progress = progressFor('dashboard-grid');
  const cp = new TestControlPlane();
  const api = new TestApi(cp);
  let browser: Browser | null = null;
  let baseline: Server | null = null;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    baseline?.close();
    await api.stop();
    await cp.stop();
  };
  const unhook = onInterrupt(cleanup);
  try {
    progress('starting a control plane (orchestrator, api) and seeding agents');
    await cp.start();
    await api.start();
    await seed(cp, AGENTS);
    const session = await api.session('bench', 'viewer');
    const agents = await waitFor(
      `${AGENTS} agents in GET /api/v1/agents`,
      async () => {
        const r = await api.request<{ items: ListedAgent[] }>('GET', `/api/v1/agents?limit=1000`, { session });
        return r.status === 200 && r.body.items.length >= AGENTS ? r.body.items : null;
      },
      120_000,
      500,
    );
    const page = await staticPage(agents);
    baseline = page.server;
    const [name, value] = session.cookie.split('=') as [string, string];
    browser = await launchBrowser();
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i <= N; i++) {
      const ta = await timeToRows(browser, api.url('/'), { name, value }, AGENTS);
      const tb = await timeToRows(browser, page.url, null, AGENTS);
      if (i === 0) continue; // warm-up
      a.push(ta);
      b.push(tb);
      progress(`round ${i}/${N}: dashboard ${ms(ta)}, static page ${ms(tb)}`);
    }
    const pairs = a.map((v, i) => v / b[i]!).sort((x, y) => x - y);
    const row = (label: string, v: number[], base: number[] | null) => [
      label,
      ms(percentile(v, 50)),
      ms(percentile(v, 99)),
      ms(mean(v)),
      base ? ratio(percentile(v, 50), percentile(base, 50)) : '',
      base ? ratio(percentile(v, 99), percentile(base, 99)) : '',
    ];
    return {
      name: 'dashboard-grid',
      tables: [
        {
          title: `Navigation → grid showing ${AGENTS} agents, Chromium headless (n=${N} each, interleaved, cold cache)`,
          headers: ['path', 'p50', 'p99', 'mean', 'p50 ratio', 'p99 ratio'],
          rows: [row(`A: dashboard at / (signed in) → ${AGENTS} rows`, a, b), row(`B: static page of the same ${AGENTS} rows (baseline)`, b, null)],
          notes: [
            `median of the back-to-back pair ratios A_i/B_i: ${pairs[Math.floor(pairs.length / 2)]!.toFixed(2)}x. p99 of ${N} samples is the nearest-rank value (≈ the maximum).`,
          ],
        },
      ],
      summary: {
        agents: AGENTS,
        rounds: N,
        dashboardP50: round(percentile(a, 50)),
        dashboardP99: round(percentile(a, 99)),
        staticP50: round(percentile(b, 50)),
        staticP99: round(percentile(b, 99)),
      },
      headline: [
        {
          measure: `dashboard: navigation → ${AGENTS} agents shown, p50`,
          subject: ms(percentile(a, 50)),
          baseline: `static page of ${AGENTS} rows: ${ms(percentile(b, 50))}`,
          ratio: ratio(percentile(a, 50), percentile(b, 50)),
        },
      ],
    };
  } finally {
    unhook();
    await cleanup();
  }
}

if (require.main === module) runStandalone(run);
