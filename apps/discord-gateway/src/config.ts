import { z } from 'zod';
import { CommonConfigShape, port, readConfig } from '../../../libs/platform/src/config';

// No Discord token yet: nothing here talks to Discord, and a key nothing reads would
// only suggest otherwise. The bot's keys arrive with the bot.
const DiscordGatewayConfigSchema = z.object({
  ...CommonConfigShape,
  DISCORD_GATEWAY_HTTP_PORT: port(3103),
});

export type DiscordGatewayConfig = z.infer<typeof DiscordGatewayConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): DiscordGatewayConfig =>
  readConfig('discord-gateway', DiscordGatewayConfigSchema, env);
