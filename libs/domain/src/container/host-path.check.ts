import { posix } from 'node:path';
import type { ContainerPolicy, PolicyViolation, ResolvedHostPath } from './container-policy.types';

const trimSlash = (p: string) => p.replace(/\/+$/, '') || '/';
const isAtOrBelow = (path: string, root: string) => {
  const p = trimSlash(path);
  const r = trimSlash(root);
  return p === r || p.startsWith(r === '/' ? '/' : `${r}/`);
};

/** The one host-path check, for templates and specs alike. */
export function checkHostPath(written: string, resolved: ResolvedHostPath, policy: ContainerPolicy, field: string): PolicyViolation[] {
  const refuse = (why: string) => [{ field, message: `host path ${written} may not be mounted: ${why}` }];
  // the root and the runtime sockets are refused as written too, whether or not they exist here
  const never = (path: string, via: string) => {
    if (path === '/') return refuse(`it is the host's root directory${via}`);
    const socket = policy.forbiddenHostPaths.find((s) => isAtOrBelow(s, path) || isAtOrBelow(path, s));
    if (socket)
      return refuse(`it ${socket !== path && isAtOrBelow(socket, path) ? 'holds' : 'is'} the container runtime's socket ${socket}${via}, which would hand the host to the agent`);
    return null;
  };
  if (written.split('/').includes('..')) return refuse('it contains ".."; write the path without it');
  const literal = trimSlash(posix.normalize(written));
  const asWritten = never(literal, '');
  if (asWritten) return asWritten;
  if (resolved.realPath === null) return refuse(`it cannot be resolved (${resolved.error ?? 'unknown error'}); a host path must exist so that its real path can be checked`);
  const real = trimSlash(resolved.realPath);
  const moved = real !== literal;
  const via = moved ? ` (it resolves to ${real}, symlinks followed)` : '';
  const resolvedRefusal = never(real, via);
  if (resolvedRefusal) return resolvedRefusal;
  if (resolved.socket) return refuse(`it is a Unix socket${via}; sockets of the host are never mounted`);
  if (!policy.allowedHostPaths.some((root) => isAtOrBelow(real, root)))
    return refuse(
      `${moved ? `it resolves to ${real} (symlinks followed), which is` : 'it is'} not below a path the admin allows (${policy.allowedHostPaths.join(', ') || 'none'}; SACP_ALLOWED_HOST_PATHS)`,
    );
  return [];
}
