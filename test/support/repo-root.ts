import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root, found from the working directory (npm and jest run from the root).
 * Not from this file's own place: jest runs the TypeScript under test/, ESM, without
 * `__dirname`, while the compiled copy under dist/test/ sits one level deeper.
 */
export const REPO_ROOT = findRepoRoot(process.cwd());

function findRepoRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository (nest-cli.json) at or above ${from}: run the tests from the repository`);
  }
}

/**
 * A compiled file under dist/, for tests that run the built code in a child process as the
 * services themselves run; says to build when it is missing.
 */
export function distFile(...segments: string[]): string {
  const file = join(REPO_ROOT, 'dist', ...segments);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run "npm run build" first (tests run the built services and scripts)`);
  return file;
}
