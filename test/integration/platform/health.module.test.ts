/*
 * The shared health endpoints as a Nest module under @nestjs/testing: the real
 * HealthController in a real Nest HTTP application (listening on a free port), its
 * dependencies real too (a private nats-server, a Postgres database), no service process.
 * Ready when every dependency answers; not ready, naming the one that does not, while
 * NATS is down or a service's own probe fails; ready again once NATS is back.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { type ServiceReadiness } from '@sacp/platform';
import { DATABASE_READINESS, HealthController, NATS, READINESS } from '@sacp/platform/nest';
import { startNats, type TestNats } from '../../support/nats-server';
import { waitFor } from '../../support/ports';
import { createTestDatabase, testPool, type TestDatabase } from '../../support/postgres';

interface Health {
  status: string;
  leader?: boolean;
  checks: Record<string, string>;
}

describe('health endpoints in a Nest testing module (real NATS and Postgres)', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let db: TestDatabase;
  let pool: Pool;
  let app: INestApplication;
  let base = '';
  // the service's own probe, as the orchestrator adds Docker's
  let dockerAnswer: string | undefined;

  const get = async (path: string): Promise<{ status: number; body: Health }> => {
    const res = await fetch(`${base}${path}`);
    // JSON.parse of the text, not res.json(): fetch builds its objects in Node's realm, not in this
    // file's VM context, and deepEqual compares prototypes
    return { status: res.status, body: JSON.parse(await res.text()) as Health };
  };

  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connectAs('orchestrator');
    db = await createTestDatabase('sacp_health');
    pool = testPool(db.url);
    const readiness: ServiceReadiness = { probes: { docker: () => dockerAnswer }, details: () => ({ leader: true }) };
    const moduleRef = await Test.createTestingModule({
      controllers: [HealthController],
      providers: [
        { provide: NATS, useValue: nc },
        // what DatabaseModule provides with a service's DataSource
        { provide: DATABASE_READINESS, useValue: () => pool.query('select 1') },
        { provide: READINESS, useValue: readiness },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close().catch(() => undefined);
    await nats?.stop();
    await pool?.end();
    await db?.drop();
  });

  test('live: the process answers', async () => {
    assert.deepEqual(await get('/health/live'), { status: 200, body: { status: 'ok' } });
  });

  test('ready: Postgres, NATS and the service probe answer; the service adds its details', async () => {
    assert.deepEqual(await get('/health/ready'), { status: 200, body: { status: 'ok', leader: true, checks: { postgres: 'ok', nats: 'ok', docker: 'ok' } } });
  });

  test('not ready while a service probe fails, naming why', async () => {
    dockerAnswer = 'Docker engine not reachable at /var/run/docker.sock';
    try {
      const { status, body } = await get('/health/ready');
      assert.equal(status, 503);
      assert.deepEqual(body.checks, { postgres: 'ok', nats: 'ok', docker: 'Docker engine not reachable at /var/run/docker.sock' });
      assert.equal(body.status, 'unavailable');
    } finally {
      dockerAnswer = undefined;
    }
  });

  test('not ready while NATS is down; ready again once it is back', async () => {
    await nats.kill();
    const down = await waitFor('readiness to see NATS down', async () => {
      const r = await get('/health/ready');
      return r.status === 503 ? r : null;
    });
    assert.equal(down.body.status, 'unavailable');
    assert.notEqual(down.body.checks.nats, 'ok');
    assert.equal(down.body.checks.postgres, 'ok', 'only the dependency that is down is named');
    await nats.start();
    const up = await waitFor('readiness after NATS is back', async () => {
      const r = await get('/health/ready');
      return r.status === 200 ? r : null;
    });
    assert.deepEqual(up.body.checks, { postgres: 'ok', nats: 'ok', docker: 'ok' });
  }, 60_000);
});
