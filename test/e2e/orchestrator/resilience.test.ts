import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { requestJson } from '@sacp/bus';
import { type CommandReply, Subjects } from '@sacp/events';
import { TEST_ACTOR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { ServiceProcess } from '../../support/service-process';

describe('resilience: Postgres, NATS and Docker going away (real processes)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('Postgres dropping the connection mid-command records nothing, says so, and the retry with the same id succeeds once', async () => {
    const agentId = await cp.deploy('sim', 'db-drop');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const blocker = new Client({ connectionString: cp.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select * from streams where stream_id = $1 for update', [`agent-${agentId}`]);
    const commandId = randomUUID();
    let reply: CommandReply;
    try {
      const pending = cp.command('agent.stop', { agent: 'db-drop' }, { commandId });
      const pid = await waitFor('the command to wait inside its transaction', async () => {
        const { rows } = await cp.pool.query("select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%sacp_append%'");
        return rows[0]?.pid as number | undefined;
      });
      await cp.pool.query('select pg_terminate_backend($1)', [pid]);
      reply = await pending;
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      await blocker.end();
    }
    assert.equal(!reply.ok && reply.error.code, 'STORE.UNAVAILABLE', JSON.stringify(reply));
    assert.match(!reply.ok ? reply.error.message : '', /nothing was recorded, retry with the same command id/);
    const { rows } = await cp.pool.query("select count(*)::int as n from events where stream_id = $1 and type = 'agent.stop_requested'", [`agent-${agentId}`]);
    assert.equal(rows[0].n, 0, 'nothing half done');

    const retry = await cp.command('agent.stop', { agent: 'db-drop' }, { commandId });
    assert.ok(retry.ok && !retry.duplicate, JSON.stringify(retry));
    const again = await cp.command('agent.stop', { agent: 'db-drop' }, { commandId });
    assert.ok(again.ok && again.duplicate);
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'stopped', 'stopped');
  });

  test('a NATS restart is survived: the orchestrator reconnects and keeps answering and relaying', async () => {
    await cp.nats.restart();
    const id = await waitFor(
      'a deploy to be answered after the NATS restart',
      async () => {
        // a request sent while the client is still reconnecting can be lost: retry with the same command id
        const r = await requestJson<CommandReply<{ agentId: string }>>(
          cp.nc,
          Subjects.command('agent.deploy', 'cli'),
          { type: 'agent.deploy', version: 1, commandId: 'deploy-after-nats', actor: TEST_ACTOR, source: 'test', payload: { template: 'sim', name: 'after-nats' } },
          2000,
        );
        return r.ok ? r.result.agentId : null;
      },
      30_000,
      500,
    );
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const { rows: deployed } = await cp.pool.query("select count(*)::int as n from events where type = 'agent.deployed' and metadata->>'commandId' = 'deploy-after-nats'");
    assert.equal(deployed[0].n, 1, 'retries of the same command deployed once');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    // the CLI's credential has no JetStream API: read the stream as the monitor does
    const monitor = await cp.connectAs('monitor');
    try {
      const jsm = await jetstreamManager(monitor);
      const { rows } = await cp.pool.query<{ n: number }>('select count(*)::int as n from events');
      await waitFor('the relay to publish everything', async () => (await jsm.streams.info('SACP_EVENTS')).state.messages === rows[0]!.n, 30_000);
    } finally {
      await monitor.close();
    }
  });

  test('an unreachable Docker engine is reported with what to do, in the log and the readiness check', async () => {
    const o = new ServiceProcess(
      'orchestrator',
      { ...cp.serviceEnv('orchestrator'), DOCKER_HOST: 'unix:///nonexistent/docker.sock', SACP_INSTANCE: `${cp.instance}nodocker` },
      'ORCHESTRATOR_HTTP_PORT',
    );
    await o.start({ waitReady: false });
    try {
      const ready = await waitFor('the readiness check to answer', async () => {
        const res = await fetch(`http://127.0.0.1:${o.port}/health/ready`).catch(() => null);
        return res ? { status: res.status, body: (await res.json()) as { checks: { docker: string } } } : null;
      });
      assert.equal(ready.status, 503);
      assert.match(ready.body.checks.docker, /cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock: is dockerd running\?/);
      assert.match(o.logs, /"level":"error".*cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock: is dockerd running\? start it, or set DOCKER_HOST/);
    } finally {
      await o.kill();
    }
  });

  test('a missing or invalid setting stops a service at start, naming it', async () => {
    const o = new ServiceProcess('orchestrator', { NATS_URL: 'http://wrong', SACP_INSTANCE: 'Bad Instance' }, 'ORCHESTRATOR_HTTP_PORT');
    await o.start({ waitReady: false });
    const code = await o.exited();
    assert.equal(code, 78);
    assert.match(o.logs, /orchestrator cannot start; fix its environment/);
    assert.match(o.logs, /DATABASE_URL is not set/);
    assert.match(o.logs, /NATS_URL="http:\/\/wrong" is invalid: expected nats:\/\/host:port/);
    assert.match(o.logs, /SACP_INSTANCE="Bad Instance" is invalid/);
  });
});
