// A jest reporter beside the default one: names each test file as it starts and each test
// as it finishes, while the file is still running. The default reporter prints a file's
// results only once the whole file is done, and an e2e file can run for many minutes.
import { basename, relative } from 'node:path';

const MARK = { passed: '✓', failed: '✕', skipped: '○', pending: '○', todo: '✎' };
const took = (ms = 0) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export default class Progress {
  onTestFileStart(test) {
    process.stderr.write(`▶ ${relative(process.cwd(), test.path)}\n`);
  }

  onTestCaseResult(test, result) {
    // files run side by side in the unit tier: each line says which file it belongs to
    const name = [basename(test.path), ...result.ancestorTitles, result.title].join(' › ');
    process.stderr.write(`  ${MARK[result.status] ?? result.status} ${name} (${took(result.duration ?? 0)})\n`);
  }
}
