import type { Actor, Role } from '@sacp/events';

/** Who is asking, as checked on this request: a signed-in user (session cookie) or an API token (Bearer). */
export type Principal =
  | { kind: 'user'; id: string; name: string; role: Role; via: 'session'; csrfToken: string }
  | { kind: 'token'; id: string; name: string; role: Role; via: 'bearer'; user: string | null };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** True when `role` is `needed` or above it (viewer < operator < admin). */
export const hasRole = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** The actor a command of this principal carries into the events and the audit trail. */
export function actorOf(p: Principal): Actor {
  if (p.kind === 'user') return { kind: 'api', id: `user:${p.name}`, displayName: p.name };
  return { kind: 'api', id: `token:${p.id}`, displayName: p.user ? `token ${p.name} (${p.user})` : `token ${p.name}` };
}
