/*
 * The shape of what the bot sends (plain Discord message bodies: content, embeds,
 * buttons) and the limits every body is kept within: content 2000, embed description
 * 4096, 25 fields of 1024, 6000 per message.
 */
export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

export interface Button {
  type: 2;
  style: 1 | 2 | 3 | 4;
  label: string;
  custom_id: string;
  disabled?: boolean;
}

export interface BotReply {
  content?: string;
  embeds?: Embed[];
  components?: { type: 1; components: Button[] }[];
  /** only the user who asked sees it (slash commands), or it goes by direct message (prefix commands) */
  private?: boolean;
}

export const Colors = { ok: 0x2ecc71, info: 0x5865f2, warn: 0xf1c40f, bad: 0xe74c3c, muted: 0x95a5a6 } as const;

export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What fitEmbed keeps an embed under: Discord's 6000-character total, with a margin. */
export const EMBED_BUDGET = 5900;

/** Trims fields until the embed fits Discord's 6000-character total. */
export function fitEmbed(e: Embed): Embed {
  const size = (x: Embed) =>
    (x.title?.length ?? 0) + (x.description?.length ?? 0) + (x.footer?.text.length ?? 0) + (x.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const out: Embed = { ...e, fields: [...(e.fields ?? [])].slice(0, 25) };
  if (out.description) out.description = clip(out.description, 4096);
  while (size(out) > EMBED_BUDGET && out.fields!.length) out.fields!.pop();
  return out;
}
