import { ROLES, type Role } from '@sacp/events';

/** Discord role ids per control-plane role. A member holds the highest role any of their Discord roles maps to. */
export type RoleMap = Record<Role, string[]>;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * Reads `DISCORD_ROLES`: JSON (`{"admin":["123"],"operator":["456"],"viewer":["789"]}`)
 * or the short form `admin=123;operator=456,457;viewer=789`. Throws a message naming
 * the problem.
 */
export function parseRoleMap(text: string): RoleMap {
  const map: RoleMap = { viewer: [], operator: [], admin: [] };
  const add = (role: string, ids: unknown) => {
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`unknown role "${role}": use viewer, operator or admin`);
    const list = Array.isArray(ids) ? ids : [ids];
    for (const id of list) {
      // a JSON number above 2^53 has already lost its last digits (ids are 17-20 digits): refuse it rather than map a role nobody holds
      if (typeof id === 'number' && !Number.isSafeInteger(id))
        throw new Error(`the ${role} role id ${String(id)} is written as a JSON number, which cannot hold it exactly: put it in quotes, e.g. {"${role}":["1189403234567890123"]}`);
      const s = String(id).trim();
      if (!/^\d{5,25}$/.test(s)) throw new Error(`"${s}" is not a Discord role id (a number such as 1189403234567890123; copy it with Developer Mode → Copy Role ID)`);
      map[role as Role].push(s);
    }
  };
  const t = text.trim();
  if (!t) return map;
  if (t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch (err) {
      throw new Error(`not valid JSON (${(err as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected an object such as {"operator":["123"]}');
    for (const [role, ids] of Object.entries(parsed)) add(role, ids);
  } else {
    for (const part of t
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq < 0) throw new Error(`"${part}" should read role=id[,id…], e.g. operator=1189403234567890123`);
      add(
        part.slice(0, eq).trim(),
        part
          .slice(eq + 1)
          .split(',')
          .filter((s) => s.trim() !== ''),
      );
    }
  }
  return map;
}

/** The highest role the member's Discord roles map to, or null. */
export function roleOf(memberRoleIds: Iterable<string>, map: RoleMap): Role | null {
  let best: Role | null = null;
  const ids = new Set(memberRoleIds);
  for (const role of ROLES) if (map[role].some((id) => ids.has(id)) && (!best || RANK[role] > RANK[best])) best = role;
  return best;
}

export const allows = (held: Role | null, required: Role | null): boolean => required === null || (held !== null && RANK[held] >= RANK[required]);

/** The control-plane role a guild member holds, from the role ids Discord sent with them (a cached member or the raw API shape). */
export function memberRole(member: unknown, map: RoleMap): Role | null {
  const m = member as { roles?: string[] | { cache: Map<string, unknown> } } | null;
  if (!m?.roles) return roleOf([], map);
  return roleOf(Array.isArray(m.roles) ? m.roles : [...m.roles.cache.keys()], map);
}
