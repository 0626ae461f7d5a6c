/** Discord snowflakes: milliseconds since the Discord epoch in the top 42 bits, so discord.js derives sane timestamps. */
const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export function timestampOf(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** A random token-like string (interaction tokens, session ids, webhook tokens). */
export function randomToken(bytes = 24): string {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return s;
}
