import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { distFile } from '../../support/repo-root';

const RUN_SERVICE = distFile('libs/platform/src/nest/run-service.js');

/** Runs a script in a fresh node with the process guard installed; its exit code and stderr lines. */
function guarded(script: string) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(RUN_SERVICE)}).guardProcess('probe', () => null);\n${script}`], { encoding: 'utf8', timeout: 10_000 });
  return {
    code: r.status,
    lines: r.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; service: string; msg: string; error: { message: string } }),
  };
}

describe('process guard', () => {
  test('an unhandled rejection is logged as structured JSON and the process keeps running', () => {
    const r = guarded(
      `Promise.reject(new Error('nobody awaited me')); setTimeout(() => { process.stderr.write(JSON.stringify({ level: 'info', service: 'probe', msg: 'still here', error: { message: '' } }) + '\\n'); }, 200);`,
    );
    assert.equal(r.code, 0);
    assert.equal(r.lines[0]!.level, 'error');
    assert.equal(r.lines[0]!.service, 'probe');
    assert.match(r.lines[0]!.msg, /unhandled promise rejection \(the service keeps running\)/);
    assert.equal(r.lines[0]!.error.message, 'nobody awaited me');
    assert.equal(r.lines[1]!.msg, 'still here');
  });

  test('an uncaught exception is logged and the process exits 70 for its supervisor', () => {
    const r = guarded(`setTimeout(() => { throw new Error('broken state'); }, 10); setInterval(() => undefined, 1000);`);
    assert.equal(r.code, 70);
    assert.match(r.lines[0]!.msg, /uncaught exception/);
    assert.equal(r.lines[0]!.error.message, 'broken state');
  });
});
