import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { RequestTooLargeError } from '@sacp/bus';
import {
  EventHeaders,
  Limits,
  type AgentStatusView,
  type AuditEntryView,
  type HistoryEntry,
  type LogsPage,
  type QueryType,
  type QueryReply,
  EVENT_STREAM,
  Subjects,
} from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { metadata } from '../../support/event-store';
import { waitFor } from '../../support/ports';
import { sacp } from '../cli/sacp';

/** Every page of a paginated query, each checked to be a bounded reply. */
async function allPages<R>(cp: TestControlPlane, type: QueryType, body: Record<string, unknown>, onPage: (r: R, bytes: number) => void): Promise<number> {
  let cursor: string | undefined;
  let pages = 0;
  do {
    const reply: QueryReply<R> = await cp.query<R>(type, cursor ? { ...body, cursor } : body);
    assert.ok(reply.ok, JSON.stringify(reply).slice(0, 500));
    const bytes = Buffer.byteLength(JSON.stringify(reply));
    assert.ok(bytes <= Limits.REPLY_MAX_BYTES, `page ${pages + 1} of ${type} is ${bytes} bytes, over REPLY_MAX_BYTES`);
    onPage(reply.result, bytes);
    cursor = reply.nextCursor;
    pages++;
  } while (cursor);
  return pages;
}

const alive = (cp: TestControlPlane) => {
  const p = cp.orchestrators[0]!.proc!;
  assert.equal(p.exitCode, null, `the orchestrator exited:\n${cp.orchestrators[0]!.logs.slice(-2000)}`);
  assert.equal(p.signalCode, null);
};

describe('bounded replies, requests and events (real orchestrator, NATS, Postgres, Docker)', () => {
  const cp = new TestControlPlane({ env: { SACP_CLI_ACTOR: 'tester' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('a 10,000-line log tail of 16 KiB lines comes back in bounded pages, every line Docker kept, and the orchestrator keeps running', async () => {
    const agentId = await cp.deploy('sim', 'loud');
    const view = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running' && !!a.containerId, 'running');
    const containerId = view.containerId!;
    const simCtl = async (...args: string[]) => {
      const exec = await cp.docker['client'].api.getContainer(containerId).exec({ Cmd: ['sim-ctl', ...args], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({});
      await new Promise((res) => stream.on('end', res).resume());
    };
    await simCtl('print', '10000', String(16 * 1024));
    // 160 MB through Docker's log driver takes as long as this machine needs: wait while
    // the printed line number advances, and fail only when it stands still for a minute
    let printed = -1;
    let movedAt = Date.now();
    while (printed < 9999) {
      const numbers = (await cp.docker.logsTail(containerId, 50)).map((l) => Number(/^line (\d+)\/10000 /.exec(l.line)?.[1] ?? -1));
      const last = Math.max(-1, ...numbers);
      if (last > printed) [printed, movedAt] = [last, Date.now()];
      assert.ok(Date.now() - movedAt < 60_000, `the sim agent's log stood still at line ${printed} for a minute`);
      if (printed < 9999) await new Promise((r) => setTimeout(r, 500));
    }
    await simCtl('idle'); // no heartbeats from here on: the log stands still while it is compared
    // what Docker itself holds of that tail (its json-file log rotates at 3 × 10 MB)
    const kept = (await cp.docker.logsTail(containerId, 10_000)).map((l) => l.line);

    const lines: string[] = [];
    let biggest = 0;
    const pages = await allPages<LogsPage>(cp, 'agent.logs', { agent: 'loud', lines: 10_000 }, (p, bytes) => {
      lines.push(...p.lines.map((l) => l.line));
      biggest = Math.max(biggest, bytes);
    });
    assert.ok(pages > 10, `came in ${pages} pages`);
    assert.ok(biggest < Limits.NATS_MAX_PAYLOAD_BYTES, `largest page ${biggest} bytes`);
    assert.equal(lines.length, kept.length, 'every line Docker kept, once');
    assert.deepEqual(lines.slice(0, 5), kept.slice(0, 5));
    assert.deepEqual(lines.slice(-5), kept.slice(-5));
    const numbered = lines.filter((l) => l.startsWith('line ')).map((l) => Number(/^line (\d+)\//.exec(l)![1]));
    assert.ok(numbered.length > 1000, `${numbered.length} printed lines`);
    numbered.forEach((n, i) => i && assert.equal(n, numbered[i - 1]! + 1, `line ${n} follows ${numbered[i - 1]}`));
    assert.equal(numbered[numbered.length - 1], 9999);
    assert.ok(lines.every((l) => Buffer.byteLength(l) <= Limits.LOG_LINE_MAX_BYTES));
    assert.equal(lines.find((l) => l.startsWith('line 9999/'))!.length, 16 * 1024, '16 KiB lines come whole');

    // the request that used to kill it: the whole tail asked for at once, as an old client does
    const first = await cp.query<LogsPage>('agent.logs', { agent: 'loud', lines: 10_000 });
    assert.ok(first.ok && first.nextCursor && first.result.remainingLines! > 0 && /nextCursor/.test(first.result.note ?? ''), JSON.stringify(first).slice(0, 300));
    const cli = await sacp(['logs', 'loud', '-n', '10000'], { env: cp.cliEnv, timeoutMs: 240_000 });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.split('\n').filter((l) => l.startsWith('line ')).length, numbered.length, 'the CLI printed every page');
    alive(cp);
    assert.deepEqual(await cp.status('loud').then((v) => v.map((a) => a.name)), ['loud']);
  }, 1_500_000);

  test('a history of 50,000 events comes back in pages read by stream position, oldest first', async () => {
    const agentId = await cp.deploy('sim', 'long-history');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const rm = await cp.command('agent.remove', { agent: 'long-history' });
    assert.ok(rm.ok, JSON.stringify(rm));
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'removed', 'removed').catch(() => undefined);
    const store = await cp.eventStore();
    const streamId = `agent-${agentId}`;
    const before = await store.streamVersion(streamId);
    for (let i = 0; i < 50_000; i += 5_000) {
      const events = Array.from({ length: 5_000 }, (_, k) => ({ type: 'test.filler', schemaVersion: 1, data: { n: i + k, note: 'x'.repeat(100) } }));
      await store.append([{ streamId, expectedVersion: before + i, events }], metadata());
    }
    const total = before + 50_000;
    let seen = 0;
    let last = 0;
    const pages = await allPages<HistoryEntry[]>(cp, 'agent.history', { agent: agentId }, (entries) => {
      for (const e of entries) assert.equal(e.streamPosition, ++last);
      seen += entries.length;
    });
    assert.equal(seen, total);
    assert.ok(pages >= 50_000 / 500, `${pages} pages`);
    // the last n, and a page size of the caller's choosing
    let lastN = 0;
    const small = await allPages<HistoryEntry[]>(cp, 'agent.history', { agent: agentId, limit: 250, pageSize: 100 }, (entries) => (lastN += entries.length));
    assert.deepEqual([lastN, small], [250, 3]);
    const cli = await sacp(['history', agentId, '--limit', '1200', '--json'], { env: cp.cliEnv, timeoutMs: 120_000 });
    assert.equal(cli.code, 0, cli.stderr);
    const printed = JSON.parse(cli.stdout) as HistoryEntry[];
    assert.deepEqual([printed.length, printed[0]!.streamPosition, printed[1199]!.streamPosition], [1200, total - 1199, total], 'the CLI followed the pages');
    const bad = await cp.query('agent.history', { agent: agentId, cursor: 'bm90LWEtY3Vyc29y' });
    assert.equal(!bad.ok && bad.error.code, 'QUERY.CURSOR_INVALID');
    alive(cp);
  }, 300_000);

  test('a status of 2,000 agents comes back in pages, each agent once, in order', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => ({ id: randomUUID(), name: `bulk-${String(i).padStart(4, '0')}` }));
    await cp.pool.query(
      `insert into agent_registry (agent_id, name, template_name, template_version, adopted, generation, desired, observed, restarts, created_at, updated_at, version, state)
       select id, name, 'sim', 1, false, 1, 'stopped', 'stopped', 0, now() - interval '1 day' + (n || ' ms')::interval, now(), 1, '{}'::jsonb
         from unnest($1::text[], $2::text[]) with ordinality as t(id, name, n)`,
      [ids.map((a) => a.id), ids.map((a) => a.name)],
    );
    try {
      const names: string[] = [];
      const pages = await allPages<AgentStatusView[]>(cp, 'agent.status', {}, (views) => names.push(...views.map((v) => v.name)));
      assert.ok(pages >= 10, `${pages} pages`);
      const bulk = names.filter((n) => n.startsWith('bulk-'));
      assert.deepEqual(
        bulk,
        ids.map((a) => a.name),
        'every agent once, oldest first',
      );
      assert.equal(new Set(names).size, names.length);
      const cli = await sacp(['status', '--json'], { env: cp.cliEnv, timeoutMs: 120_000 });
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal((JSON.parse(cli.stdout) as unknown[]).length, names.length, 'the CLI followed every page');
    } finally {
      await cp.pool.query("delete from agent_registry where name like 'bulk-%'");
    }
    alive(cp);
  }, 120_000);

  test('a command over the size limit gets an error naming the limit, under and over NATS max_payload; the relay keeps going', async () => {
    const under = await cp.command('agent.deploy', { template: 'sim', name: 'too-big', padding: 'x'.repeat(900 * 1024) });
    assert.equal(!under.ok && under.error.code, 'COMMAND.TOO_LARGE', JSON.stringify(under).slice(0, 300));
    assert.match(!under.ok ? under.error.message : '', /limit is 262144 bytes \(COMMAND_MAX_BYTES\)/);
    await waitFor(
      'the refusal in the audit trail',
      async () => {
        const audited = await cp.query<AuditEntryView[]>('audit.list', { outcome: 'malformed', commandType: 'agent.deploy', limit: 1 });
        return audited.ok && audited.result[0]?.errorCode === 'COMMAND.TOO_LARGE';
      },
      10_000,
    );

    await assert.rejects(cp.command('agent.deploy', { template: 'sim', name: 'too-big', padding: 'x'.repeat(2 * 1024 * 1024) }), (err: unknown) => {
      assert.ok(err instanceof RequestTooLargeError);
      assert.match((err as Error).message, /max_payload/);
      return true;
    });
    const cliOver = await sacp(['secret', 'set', 'huge'], { env: cp.cliEnv, input: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(cliOver.code, 1, cliOver.stderr);
    assert.match(cliOver.stderr, /REQUEST\.TOO_LARGE: .*NATS accepts at most \d+ bytes per message \(the server's max_payload\); nothing was sent/);
    const cliUnder = await sacp(['secret', 'set', 'large'], { env: cp.cliEnv, input: 'x'.repeat(600 * 1024) });
    assert.equal(cliUnder.code, 1, cliUnder.stderr);
    assert.match(cliUnder.stderr, /COMMAND\.TOO_LARGE: .*COMMAND_MAX_BYTES/);

    // an event stored before the caps (or by a bug) that the bus cannot carry: a stand-in goes out, and what follows too
    const store = await cp.eventStore();
    const big = await store.append(
      [{ streamId: 'oversized-1', expectedVersion: 0, events: [{ type: 'test.oversized', schemaVersion: 1, data: { blob: 'y'.repeat(2 * 1024 * 1024) } }] }],
      metadata(),
    );
    const next = await store.append([{ streamId: 'oversized-2', expectedVersion: 0, events: [{ type: 'test.after', schemaVersion: 1, data: { n: 1 } }] }], metadata());
    assert.ok(!big.duplicate && !next.duplicate);
    const bigId = big.events[0]!.eventId;
    const jsm = await jetstreamManager(await cp.streamAdmin());
    const msg = await waitFor(
      'the stand-in on SACP_EVENTS',
      () => jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: Subjects.event('test.oversized') }).catch(() => null),
      30_000,
    );
    assert.equal(msg.header.get(EventHeaders.eventId), bigId);
    assert.ok(Number(msg.header.get(EventHeaders.bodyOmitted)) > 2 * 1024 * 1024);
    const standIn = msg.json<{ eventId: string; type: string; data: unknown; bodyOmitted: { note: string } }>();
    assert.deepEqual([standIn.eventId, standIn.type, standIn.data], [bigId, 'test.oversized', null]);
    assert.match(standIn.bodyOmitted.note, /in the event store/);
    const after = await waitFor('the next event relayed', () => jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: Subjects.event('test.after') }).catch(() => null), 30_000);
    assert.equal(after.header.get(EventHeaders.eventId), next.events[0]!.eventId);
    assert.match(cp.orchestrators[0]!.logs, /event too large for the bus; published a stand-in/);

    // and commands still work end to end
    const id = await cp.deploy('sim', 'after-big');
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    alive(cp);
  }, 120_000);

  test('malformed and huge query and command bodies get error replies; audit pages too', async () => {
    const raw = async (subject: string, data: string | Uint8Array) =>
      (await cp.nc.request(subject, data, { timeout: 10_000 })).json<{ ok: boolean; error?: { code: string; message: string } }>();
    const q = await raw(Subjects.query('agent.status'), '{"agent": ');
    assert.equal(q.error?.code, 'COMMAND.MALFORMED', JSON.stringify(q));
    const binary = await raw(Subjects.query('agent.logs'), new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
    assert.equal(binary.ok, false);
    const huge = await cp.query('agent.status', { agent: 'x'.repeat(100 * 1024) });
    assert.equal(!huge.ok && huge.error.code, 'QUERY.TOO_LARGE');
    assert.match(!huge.ok ? huge.error.message : '', /QUERY_MAX_BYTES/);
    const wrong = await cp.query('agent.status', { cursor: 42, pageSize: -1 });
    assert.equal(!wrong.ok && wrong.error.code, 'COMMAND.MALFORMED');
    const c = await raw(Subjects.command('agent.stop', 'cli'), 'not json at all');
    assert.equal(c.ok, false);
    assert.equal(c.error?.code, 'COMMAND.MALFORMED');
    // 100,000 levels of nesting: within the size limit, deeper than any recursive walk
    const nested = await raw(Subjects.command('agent.stop', 'cli'), `{"type":"agent.stop","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    assert.equal(nested.ok, false, JSON.stringify(nested));
    const nestedQuery = await raw(Subjects.query('agent.history'), `{"agent":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`);
    assert.equal(nestedQuery.ok, false, JSON.stringify(nestedQuery));

    for (let i = 0; i < 30; i++) await cp.command('agent.stop', { agent: `missing-${i}` });
    let entries = 0;
    const pages = await allPages<AuditEntryView[]>(cp, 'audit.list', { outcome: 'rejected', limit: 25, pageSize: 10 }, (e) => (entries += e.length));
    assert.deepEqual([entries, pages], [25, 3]);
    alive(cp);
  }, 60_000);
});
