export { DiscordStandIn, type DiscordStandInOptions, type StandInAddress, type SlashOptions } from './stand-in';
export {
  WorldBuilder,
  WorldIndex,
  defaultWorld,
  Permission,
  EVERYONE_PERMISSIONS,
  BOT_PERMISSIONS,
  type World,
  type GuildFixture,
  type UserFixture,
  type RoleFixture,
  type ChannelFixture,
  type MemberFixture,
  type WebhookFixture,
} from './fixtures';
export { Intent, Op, PRIVILEGED_INTENTS, type GatewaySession } from './gateway';
export type { RecordedRequest, GatewayFrame, StoredMessage, InteractionRecord, DmChannelRecord, AutocompleteChoice } from './records';
export type { BucketLimit } from './rate-limits';
export type { Json } from './payloads';
export { snowflake, timestampOf } from './snowflake';
