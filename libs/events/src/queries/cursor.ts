/**
 * Page cursors: opaque to clients, a versioned JSON position to the orchestrator.
 * A cursor carries its query's name so that one query's cursor is refused by another.
 */
export function encodeCursor(query: string, position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, q: query, p: position }), 'utf8').toString('base64url');
}

/** The position of a cursor for `query`, or null when it is not one. */
export function decodeCursor<P extends Record<string, unknown>>(query: string, cursor: string): P | null {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; q?: unknown; p?: unknown };
    return c && c.v === 1 && c.q === query && c.p && typeof c.p === 'object' ? (c.p as P) : null;
  } catch {
    return null;
  }
}

/**
 * How many of `items` (taken in order) fit in one page of at most `maxItems` items
 * and `maxBytes` bytes of JSON. Always at least one when there is one, so a page
 * never comes back empty while items remain (each item is capped well below maxBytes).
 */
export function fitPage(items: readonly unknown[], maxItems: number, maxBytes: number): number {
  let bytes = 2;
  let n = 0;
  for (const item of items) {
    if (n >= maxItems) break;
    const size = Buffer.byteLength(JSON.stringify(item) ?? '') + 1;
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return n;
}
