const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "256m" → 268435456; numbers are bytes already. */
export function parseMemorySize(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg])i?b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a memory size: ${value}`);
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
}
