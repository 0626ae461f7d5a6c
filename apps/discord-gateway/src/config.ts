import { z } from 'zod';
import { CommonConfigShape, ConfigError, millis, port, readConfig, readSealedSecretFile, readSealingKeyFile } from '@sacp/platform';
import { parseRoleMap, type RoleMap } from './bot/roles';

const snowflakeList = z
  .string()
  .regex(/^\s*(\d{5,25}\s*(,\s*\d{5,25}\s*)*)?$/, 'a comma-separated list of Discord ids (numbers)')
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const DiscordGatewayConfigSchema = z.object({
  ...CommonConfigShape,
  // the gateway talks only to the bus: it holds no database credentials (a DATABASE_URL given is ignored)
  DATABASE_URL: z
    .string()
    .optional()
    .transform(() => undefined),
  DISCORD_GATEWAY_HTTP_PORT: port(3103),
  /** the bot token in clear (prefer DISCORD_TOKEN_FILE with a key given separately) */
  DISCORD_TOKEN: z.string().min(20, 'a Discord bot token is at least 20 characters').optional(),
  /** a token sealed with `sacp discord seal-token` */
  DISCORD_TOKEN_FILE: z.string().min(1).optional(),
  /** the sealing key (base64) or a file that holds it */
  DISCORD_TOKEN_KEY: z.string().min(1).optional(),
  DISCORD_TOKEN_KEY_FILE: z.string().min(1).optional(),
  /** Discord's REST API base; the gateway address is asked from it (GET /gateway/bot) */
  DISCORD_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'expected http(s)://host[:port]/api')
    .default('https://discord.com/api'),
  /** overrides the gateway address Discord hands out (ws:// or wss://, no query string) */
  DISCORD_GATEWAY_URL: z
    .string()
    .regex(/^wss?:\/\/[^?\s]+$/, 'expected ws(s)://host[:port][/path] without a query string')
    .optional(),
  /** role ids per control-plane role, e.g. admin=123;operator=456,457;viewer=789 or JSON */
  DISCORD_ROLES: z.string().default(''),
  /** guilds the bot serves; empty: every guild it is in */
  DISCORD_GUILD_IDS: snowflakeList,
  DISCORD_PREFIX: z.string().min(1).max(5).regex(/^\S+$/, 'no spaces').default('!'),
  DISCORD_REGISTER_COMMANDS: z.enum(['true', 'false']).default('true'),
  /** where alerts go: a channel id, and/or a webhook URL for high volume */
  DISCORD_ALERT_CHANNEL_ID: z
    .string()
    .regex(/^\d{5,25}$/, 'a Discord channel id (a number)')
    .optional(),
  /** checked by parseWebhookUrl, whose errors never repeat the webhook's token */
  DISCORD_ALERT_WEBHOOK_URL: z.string().min(1).optional(),
  /** a role pinged when a critical alert is raised (e.g. on-call); nobody is pinged otherwise */
  DISCORD_ALERT_MENTION_ROLE_ID: z
    .string()
    .regex(/^\d{5,25}$/, 'a Discord role id (a number)')
    .optional(),
  /** commands are read only in these channels (empty: every channel the bot can see) */
  DISCORD_COMMAND_CHANNEL_IDS: snowflakeList,
  DISCORD_ALERT_BURST_WINDOW_MS: millis(2000),
  DISCORD_ALERT_BURST_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** how long one bus request may take, and how long a command is retried while the bus is away */
  DISCORD_REQUEST_TIMEOUT_MS: millis(10_000),
  DISCORD_BUS_RETRY_MS: millis(30_000),
  /** how long a deploy/start reply follows the agent until it runs */
  DISCORD_FOLLOW_MS: millis(60_000),
  /** confirmations of stop/rm waiting for a click: at most this many in all, and per user (the oldest is dropped, and its requester told) */
  DISCORD_CONFIRM_MAX: z.coerce.number().int().min(1).max(100_000).default(500),
  DISCORD_CONFIRM_PER_USER: z.coerce.number().int().min(1).max(1000).default(5),
});

export type DiscordGatewayConfig = z.infer<typeof DiscordGatewayConfigSchema> & { roles: RoleMap; botToken: string | null; alertWebhookUrl: string | null };

/**
 * Reads the gateway's environment. The token comes from DISCORD_TOKEN, or from
 * DISCORD_TOKEN_FILE opened with DISCORD_TOKEN_KEY(_FILE); without either the service
 * runs without Discord (health only) and says so. No error ever contains the token.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DiscordGatewayConfig {
  // an empty value (e.g. compose's ${VAR:-}) means "not set"
  const given = Object.fromEntries(Object.entries(env).filter(([k, v]) => !(k.startsWith('DISCORD_') && v === '')));
  const c = readConfig('discord-gateway', DiscordGatewayConfigSchema, given);
  const problems: string[] = [];
  let roles: RoleMap = { viewer: [], operator: [], admin: [] };
  try {
    roles = parseRoleMap(c.DISCORD_ROLES);
  } catch (err) {
    problems.push(`DISCORD_ROLES is invalid: ${(err as Error).message}`);
  }
  let botToken: string | null = c.DISCORD_TOKEN ?? null;
  if (c.DISCORD_TOKEN && c.DISCORD_TOKEN_FILE) problems.push('DISCORD_TOKEN and DISCORD_TOKEN_FILE are both set: keep one');
  else if (c.DISCORD_TOKEN_FILE) {
    if (!c.DISCORD_TOKEN_KEY && !c.DISCORD_TOKEN_KEY_FILE)
      problems.push('DISCORD_TOKEN_FILE is set but no key: set DISCORD_TOKEN_KEY_FILE (or DISCORD_TOKEN_KEY) to the key it was sealed with');
    else {
      try {
        const key = c.DISCORD_TOKEN_KEY_FILE ? readSealingKeyFile(c.DISCORD_TOKEN_KEY_FILE) : c.DISCORD_TOKEN_KEY!;
        botToken = readSealedSecretFile(c.DISCORD_TOKEN_FILE, key);
      } catch (err) {
        problems.push(`DISCORD_TOKEN_FILE cannot be opened: ${(err as Error).message}`);
      }
    }
  }
  if (botToken && !c.DISCORD_ROLES.trim())
    problems.push('DISCORD_ROLES is not set: map Discord role ids to viewer, operator and admin, e.g. DISCORD_ROLES="admin=123;operator=456;viewer=789"');
  if (problems.length) throw new ConfigError(`discord-gateway cannot start; fix its environment:\n  - ${problems.join('\n  - ')}`);
  // the token lives on only in this object; the raw environment keys are not kept
  const { DISCORD_TOKEN: _t, DISCORD_TOKEN_KEY: _k, ...rest } = c;
  return { ...rest, roles, botToken, alertWebhookUrl: c.DISCORD_ALERT_WEBHOOK_URL ?? null };
}
