import { realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { HostPathResolver, ResolvedHostPath } from '@sacp/domain';

/**
 * Finds what a host path really is: every symlink followed (`realpath`), and whether
 * it ends at a socket. The container policy checks this, never the path as written,
 * so a link under an allowed directory that points at `/` or at the Docker socket is
 * refused. The orchestrator runs on the Docker host, so its view is the host's.
 */
export const resolveHostPath: HostPathResolver = (hostPath: string): ResolvedHostPath => {
  try {
    const realPath = realpathSync.native(hostPath);
    return { realPath, socket: statSync(realPath).isSocket() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { realPath: null, error: e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'ELOOP' ? 'a symlink loop' : e.message };
  }
};

/** A configured path as written and as it really is, so that either form matches. */
export function withRealPaths(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    out.add(posix.normalize(p));
    const r = resolveHostPath(p);
    if (r.realPath) out.add(r.realPath);
  }
  return [...out];
}
