import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { ServiceProcess } from '../../support/service-process';

/** `postgres`: whether the service holds a database connection (the Discord gateway talks only to the bus) */
const SERVICES = [
  { service: 'monitor', port: 'MONITOR_HTTP_PORT', postgres: true },
  { service: 'discord-gateway', port: 'DISCORD_GATEWAY_HTTP_PORT', postgres: false },
  { service: 'api', port: 'API_HTTP_PORT', postgres: true },
] as const;

describe('every service boots on the shared configuration and reports health (real processes)', () => {
  const cp = new TestControlPlane();
  const running: ServiceProcess[] = [];
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    for (const s of running) await s.kill();
    await cp.stop();
  });

  for (const { service, port, postgres } of SERVICES) {
    test(`${service} becomes ready with ${postgres ? 'DATABASE_URL and ' : ''}NATS_URL, and answers liveness`, async () => {
      const env: Record<string, string> = { ...cp.serviceEnv(service) };
      if (!postgres) delete env.DATABASE_URL;
      const s = new ServiceProcess(service, env, port);
      running.push(s);
      await s.start();
      const live = await fetch(`http://127.0.0.1:${s.port}/health/live`);
      assert.equal(live.status, 200);
      const ready = (await (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).json()) as { checks: Record<string, string> };
      assert.equal(ready.checks.postgres, postgres ? 'ok' : undefined);
      assert.equal(ready.checks.nats, 'ok');
      assert.ok(
        s.logs
          .split('\n')
          .filter(Boolean)
          .every((l) => l.startsWith('{')),
        'every log line is structured JSON',
      );
    });

    test(`${service} refuses to start without its settings, naming each`, async () => {
      const s = new ServiceProcess(service, { NATS_URL: 'localhost:4222' }, port);
      await s.start({ waitReady: false });
      assert.equal(await s.exited(), 78);
      if (postgres) assert.match(s.logs, /DATABASE_URL is not set/);
      else assert.doesNotMatch(s.logs, /DATABASE_URL/);
      assert.match(s.logs, /NATS_URL="localhost:4222" is invalid/);
      assert.match(s.logs, /NATS_CREDENTIALS_FILE is not set/);
    });
  }

  test('the api shows the agents the orchestrator knows', async () => {
    const api = running.find((s) => s.service === 'api')!;
    const id = await cp.deploy('sim', 'via-api');
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const { token } = await new TestApi(cp).createToken('boot-viewer', 'viewer');
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    // JSON.parse of the text, not res.json(): fetch builds its objects in Node's realm, not in this
    // file's VM context, and deepEqual compares prototypes
    const body = JSON.parse(await res.text()) as { items: { id: string; name: string; state: { observed: string } }[] };
    assert.deepEqual(
      body.items.map((a) => [a.name, a.state.observed]),
      [['via-api', 'running']],
    );
  });

  test('the api says plainly when no orchestrator answers', async () => {
    const api = running.find((s) => s.service === 'api')!;
    const { token } = await new TestApi(cp).createToken('boot-viewer-2', 'viewer');
    for (const o of cp.orchestrators) await o.kill();
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 503);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'BUS.NO_RESPONDERS');
    assert.match(body.message, /is the orchestrator running\?/);
  });
});
