import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import { connectBus, BusError } from '@sacp/bus';
import { freePort, waitFor } from '../../support/ports';
import { explain, sacp } from './sacp';

/**
 * `sacp bus init` and `sacp bus add-reader` as an operator runs them: the files they
 * write start a real nats-server, and a reader added later can log in after the
 * reload they trigger, without a restart.
 */
describe('sacp bus (real nats-server started from the generated config)', () => {
  let state: string;
  let port: number;
  let server: ChildProcess | null = null;
  const natsDir = () => join(state, 'nats');
  const credential = (user: string) => JSON.parse(readFileSync(join(natsDir(), 'credentials', `${user}.json`), 'utf8')) as { user: string; password: string };
  const canConnect = async (c?: { user: string; password: string }) => {
    try {
      await (await connectBus({ url: `nats://127.0.0.1:${port}`, name: 'probe', reconnect: false, credentials: c })).close();
      return true;
    } catch (err) {
      return err as Error;
    }
  };

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'sacp-bus-'));
    port = await freePort();
  });
  afterAll(async () => {
    server?.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
  });

  test('init writes the config and one private credential per service; run again, it changes nothing', async () => {
    const r = await sacp(['bus', 'init', '--state-dir', state, '--port', String(port)]);
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /server config: .*nats-server\.conf \(written\)/);
    for (const s of ['orchestrator', 'monitor', 'discord-gateway', 'api', 'cli']) {
      assert.match(r.stdout, new RegExp(`credential ${s}: .*${s}\\.json \\(new\\)`));
      assert.equal(statSync(join(natsDir(), 'credentials', `${s}.json`)).mode & 0o777, 0o600);
    }
    assert.match(r.stdout, /no running nats-server found/);
    const again = await sacp(['bus', 'init', '--state-dir', state, '--port', String(port)]);
    assert.equal(again.code, 0, explain(again));
    assert.match(again.stdout, /\(unchanged\)/);
    assert.doesNotMatch(again.stdout, /\(new\)/);
  });

  test('nats-server runs from that config: credentials in, strangers out', async () => {
    server = spawn('nats-server', ['-c', join(natsDir(), 'nats-server.conf')], { stdio: 'ignore' });
    await waitFor('nats-server', async () => (await canConnect(credential('cli'))) === true, 10_000, 100);
    const stranger = await canConnect();
    assert.ok(stranger instanceof BusError && stranger.code === 'BUS.UNAUTHORIZED');
  });

  test('add-reader adds a credential and reloads the running server: the reader logs in at once', async () => {
    const r = await sacp(['bus', 'add-reader', 'grafana', '--state-dir', state]);
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /credential grafana: .*grafana\.json \(new\)/);
    assert.match(r.stdout, /inbox prefix "_INBOX\.grafana"/);
    assert.match(r.stdout, /nats-server \(pid \d+\) reloaded its config/);
    await waitFor('the reader to be accepted', async () => (await canConnect(credential('grafana'))) === true, 5000, 100);

    const taken = await sacp(['bus', 'add-reader', 'monitor', '--state-dir', state]);
    assert.equal(taken.code, 2, explain(taken));
    assert.match(taken.stderr, /"monitor" is a service's credential name/);
  });
});
