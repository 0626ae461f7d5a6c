import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { ServiceProcess } from '../../support/service-process';

/** The names operators' dashboards and alerts are written against, with their Prometheus types. */
const METRICS = {
  sacp_commands_total: 'counter',
  sacp_command_duration_seconds: 'histogram',
  sacp_relay_lag_events: 'gauge',
  sacp_relay_lag_seconds: 'gauge',
  sacp_reconcile_pass_duration_seconds: 'histogram',
  sacp_projector_lag_events: 'gauge',
  sacp_agents: 'gauge',
  sacp_monitor_pass_duration_seconds: 'histogram',
} as const;

type Line = Record<string, unknown> & { level: string; msg: string };
const lines = (s: ServiceProcess): Line[] =>
  s.logs
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

async function scrape(s: ServiceProcess): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`http://127.0.0.1:${s.port}/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** The value of one sample (`name{labels} value`), or undefined when the scrape does not hold it. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('every service serves its Prometheus metrics and logs through pino (real processes)', () => {
  const cp = new TestControlPlane({ monitors: 1, env: { MONITOR_SAMPLE_INTERVAL_MS: '500', MONITOR_HEALTH_TICK_MS: '200' } });
  const services: ServiceProcess[] = [];
  beforeAll(async () => {
    await cp.start();
    const { DATABASE_URL: _none, ...gatewayEnv } = cp.serviceEnv('discord-gateway');
    const gateway = new ServiceProcess('discord-gateway', gatewayEnv, 'DISCORD_GATEWAY_HTTP_PORT');
    const api = new ServiceProcess('api', cp.serviceEnv('api'), 'API_HTTP_PORT');
    await gateway.start();
    await api.start();
    services.push(cp.orchestrators[0]!, cp.monitors[0]!, gateway, api);
  });
  afterAll(async () => {
    for (const s of services.slice(2)) await s.kill();
    await cp.stop();
  });

  test('GET /metrics on each service lists every named metric, in the exposition format', async () => {
    assert.deepEqual(
      services.map((s) => s.service),
      ['orchestrator', 'monitor', 'discord-gateway', 'api'],
    );
    for (const s of services) {
      const { status, type, body } = await scrape(s);
      assert.equal(status, 200, s.service);
      assert.match(type ?? '', /^text\/plain; version=0\.0\.4/, s.service);
      for (const [name, kind] of Object.entries(METRICS)) assert.match(body, new RegExp(`^# TYPE ${name} ${kind}$`, 'm'), `${s.service} lists ${name}`);
      assert.match(body, /^sacp_process_cpu_seconds_total /m, `${s.service} reports its process`);
    }
  });

  test('the monitor times each of its passes', async () => {
    const monitor = cp.monitors[0]!;
    const counts = await waitFor('the monitor to time a health, a resources, a thresholds, an idle and a recovery pass', async () => {
      const { body } = await scrape(monitor);
      const c = Object.fromEntries(
        ['health', 'resources', 'thresholds', 'idle', 'recovery'].map((pass) => [pass, sample(body, `sacp_monitor_pass_duration_seconds_count{pass="${pass}"}`) ?? 0]),
      );
      return Object.values(c).every((n) => n > 0) ? c : null;
    });
    for (const [pass, n] of Object.entries(counts)) assert.ok(n > 0, `${pass} timed`);
  });

  test('HTTP requests are logged one line each, health probes and scrapes are not', async () => {
    const api = services[3]!;
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/agents`, { headers: { authorization: 'Bearer not-for-the-log', 'x-request-id': 'req-metrics-test' } });
    assert.equal(res.status, 401);
    const line = await waitFor('the request line', async () => lines(api).find((l) => l.msg === 'GET /api/v1/agents 401'));
    assert.equal(line.service, 'api');
    assert.deepEqual(line.req, { id: 'req-metrics-test', method: 'GET', url: '/api/v1/agents' });
    assert.deepEqual(line.res, { statusCode: 401 });
    assert.equal(typeof line.responseTime, 'number');
    assert.ok(!api.logs.includes('not-for-the-log'), 'request headers are not logged');
    for (const s of services) {
      assert.ok(!lines(s).some((l) => /\/(health|metrics)/.test(String((l.req as { url?: string } | undefined)?.url ?? ''))), `${s.service} logs no probe or scrape`);
    }
  });

  test("Nest's own lines go through the same logger", () => {
    for (const s of services) {
      const mapped = lines(s).find((l) => l.msg === 'Mapped {/metrics, GET} route');
      assert.ok(mapped, `${s.service} logged its routes`);
      assert.equal(mapped.level, 'info');
      assert.equal(mapped.service, s.service);
      assert.equal(mapped.context, 'RouterExplorer');
      assert.match(String(mapped.ts), /^\d{4}-\d\d-\d\dT/);
    }
  });
});
