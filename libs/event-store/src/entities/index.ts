import { AgentRegistryEntity } from './agent-registry.entity';
import { AlertEntity } from './alert.entity';
import { CheckpointEntity } from './checkpoint.entity';
import { CommandAuditEntity } from './command-audit.entity';
import { ApiTokenEntity, UserCredentialEntity } from './credential.entity';
import { SecretEntity, SecretGrantEntity } from './secret.entity';
import { TemplateRegistryEntity } from './template-registry.entity';
import { TeamRegistryEntity } from './team-registry.entity';

export { AgentRegistryEntity, type RegistryAlert } from './agent-registry.entity';
export { AlertEntity, type AlertAcknowledgement } from './alert.entity';
export { CheckpointEntity } from './checkpoint.entity';
export { CommandAuditEntity } from './command-audit.entity';
export { ApiTokenEntity, UserCredentialEntity } from './credential.entity';
export { SecretEntity, SecretGrantEntity } from './secret.entity';
export { TemplateRegistryEntity } from './template-registry.entity';
export { TeamRegistryEntity } from './team-registry.entity';

/** Every table mapped to an entity. The event store's own tables (events, streams, commands) are read and written by hand-written SQL. */
export const ENTITIES = [
  AgentRegistryEntity,
  TemplateRegistryEntity,
  CommandAuditEntity,
  SecretEntity,
  SecretGrantEntity,
  CheckpointEntity,
  UserCredentialEntity,
  ApiTokenEntity,
  AlertEntity,
  TeamRegistryEntity,
];
