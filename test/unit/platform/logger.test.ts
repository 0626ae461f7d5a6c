import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsonLogger, logContext, withLogContext } from '@sacp/platform';

type Line = Record<string, unknown>;

/** Every log line written to stdout and stderr while `fn` runs, parsed (the test runner's own output, written meanwhile, left out). */
async function capture(fn: () => unknown): Promise<{ out: Line[]; err: Line[] }> {
  const out: string[] = [];
  const err: string[] = [];
  // saved unbound on purpose: the very same functions are put back in `finally`
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const stdoutWrite = process.stdout.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const stderrWrite = process.stderr.write;
  const keep =
    (into: string[], write: typeof stdoutWrite, stream: NodeJS.WriteStream) =>
    (chunk: string | Uint8Array, ...rest: never[]) =>
      typeof chunk === 'string' && chunk.startsWith('{"level":') ? (into.push(chunk), true) : write.call(stream, chunk, ...rest);
  process.stdout.write = keep(out, stdoutWrite, process.stdout);
  process.stderr.write = keep(err, stderrWrite, process.stderr);
  try {
    await fn();
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  const parse = (chunks: string[]) => chunks.map((l) => JSON.parse(l) as Line);
  return { out: parse(out), err: parse(err) };
}

describe('JsonLogger (pino)', () => {
  test('a line has the shape operators read: ts, level as a word, service, fields, msg', async () => {
    const { out } = await capture(() => new JsonLogger('orchestrator').info('command accepted', { type: 'agent.deploy', attempt: 2 }));
    assert.equal(out.length, 1);
    const [line] = out as [Line];
    assert.deepEqual(Object.keys(line).slice(0, 3), ['level', 'ts', 'service']);
    assert.equal(line.level, 'info');
    assert.match(String(line.ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(line.service, 'orchestrator');
    assert.equal(line.msg, 'command accepted');
    assert.equal(line.type, 'agent.deploy');
    assert.equal(line.attempt, 2);
  });

  test('errors go to stderr, the rest to stdout; lines below the level are not written', async () => {
    const log = new JsonLogger('svc', 'info');
    const { out, err } = await capture(() => {
      log.debug('not written');
      log.info('one');
      log.warn('two');
      log.error('three', { error: new Error('why') });
    });
    assert.deepEqual(
      out.map((l) => [l.level, l.msg]),
      [
        ['info', 'one'],
        ['warn', 'two'],
      ],
    );
    assert.deepEqual(
      err.map((l) => [l.level, l.msg]),
      [['error', 'three']],
    );
    assert.deepEqual(err[0]!.error, { name: 'Error', message: 'why' });
  });

  test('every line of a unit of work carries its log context, across awaits and timers, and no other line does', async () => {
    const log = new JsonLogger('orchestrator', 'debug');
    const { out } = await capture(async () => {
      log.info('before');
      await withLogContext({ correlationId: 'corr-1', commandId: 'cmd-1', commandType: 'agent.deploy' }, async () => {
        log.info('received');
        await sleep(5);
        log.debug('deciding');
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            log.warn('retrying', { attempt: 1 });
            resolve();
          }, 5),
        );
        // an inner unit (a reconcile step the command triggered) adds its fields, keeping the command's
        withLogContext({ step: 'start' }, () => log.info('inner'));
        log.info('done');
      });
      // a concurrent unit of work keeps its own fields
      await Promise.all([
        withLogContext({ correlationId: 'corr-a' }, async () => (await sleep(3), log.info('a'))),
        withLogContext({ correlationId: 'corr-b' }, async () => (await sleep(1), log.info('b'))),
      ]);
      log.info('after');
    });
    const by = (msg: string) => out.find((l) => l.msg === msg)!;
    for (const msg of ['received', 'deciding', 'retrying', 'inner', 'done']) {
      assert.equal(by(msg).correlationId, 'corr-1', msg);
      assert.equal(by(msg).commandId, 'cmd-1', msg);
      assert.equal(by(msg).commandType, 'agent.deploy', msg);
    }
    assert.equal(by('inner').step, 'start');
    assert.equal(by('done').step, undefined);
    assert.equal(by('a').correlationId, 'corr-a');
    assert.equal(by('b').correlationId, 'corr-b');
    for (const msg of ['before', 'after']) assert.equal(by(msg).correlationId, undefined, msg);
    assert.deepEqual(logContext(), {});
  });

  test("a line's own fields win over the context's", async () => {
    const { out } = await capture(() => withLogContext({ agentId: 'from-context' }, () => new JsonLogger('svc').info('x', { agentId: 'own' })));
    assert.equal(out[0]!.agentId, 'own');
  });

  test("Nest's LoggerService calls keep their context name", async () => {
    const { out } = await capture(() => new JsonLogger('svc').log('Mapped {/metrics, GET} route', 'RouterExplorer'));
    assert.equal(out[0]!.msg, 'Mapped {/metrics, GET} route');
    assert.equal(out[0]!.context, 'RouterExplorer');
  });
});
