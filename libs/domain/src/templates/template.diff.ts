/** One difference between two JSON documents. `path` is a JSON Pointer (RFC 6901): `/resources/memory`, `/command/1`. */
export type JsonChange =
  { path: string; kind: 'added'; after: unknown } | { path: string; kind: 'removed'; before: unknown } | { path: string; kind: 'changed'; before: unknown; after: unknown };

const pointer = (segments: readonly (string | number)[]) => segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The differences between two JSON values (e.g. two versions of a template), each at
 * the deepest path where they differ: objects are compared key by key (sorted), arrays
 * index by index (a longer one adds, a shorter one removes at the end), anything else
 * by value (a value that changes type is one change).
 * Two equal values give `[]`. At most `max` changes.
 */
export function jsonDiff(before: unknown, after: unknown, max = 1000): JsonChange[] {
  const changes: JsonChange[] = [];
  const walk = (a: unknown, b: unknown, at: (string | number)[]): void => {
    if (changes.length >= max) return;
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (!(key in b)) changes.push({ path: pointer([...at, key]), kind: 'removed', before: a[key] });
        else if (!(key in a)) changes.push({ path: pointer([...at, key]), kind: 'added', after: b[key] });
        else walk(a[key], b[key], [...at, key]);
        if (changes.length >= max) return;
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length) && changes.length < max; i++) {
        if (i >= b.length) changes.push({ path: pointer([...at, i]), kind: 'removed', before: a[i] });
        else if (i >= a.length) changes.push({ path: pointer([...at, i]), kind: 'added', after: b[i] });
        else walk(a[i], b[i], [...at, i]);
      }
      return;
    }
    if (!Object.is(a, b)) changes.push({ path: pointer(at), kind: 'changed', before: a, after: b });
  };
  walk(before, after, []);
  return changes.slice(0, max);
}
