import { AdoptAgentV1 } from './adopt-agent.v1';
import { DeployAgentV1 } from './deploy-agent.v1';
import { RemoveAgentV1 } from './remove-agent.v1';
import { ReplayProjectionsV1 } from './replay-projections.v1';
import { RestartAgentV1 } from './restart-agent.v1';
import { StartAgentV1 } from './start-agent.v1';
import { StopAgentV1 } from './stop-agent.v1';
import { SyncTemplatesV1 } from './sync-templates.v1';
import { SetSecretV1 } from './set-secret.v1';

export * from './command-envelope';
export * from './adopt-agent.v1';
export * from './deploy-agent.v1';
export * from './remove-agent.v1';
export * from './replay-projections.v1';
export * from './restart-agent.v1';
export * from './start-agent.v1';
export * from './stop-agent.v1';
export * from './sync-templates.v1';
export * from './set-secret.v1';

/** Every command contract, keyed by type. The subject is `sacp.cmd.<type>`. */
export const CommandContracts = {
  'agent.deploy': DeployAgentV1,
  'agent.start': StartAgentV1,
  'agent.stop': StopAgentV1,
  'agent.restart': RestartAgentV1,
  'agent.remove': RemoveAgentV1,
  'agent.adopt': AdoptAgentV1,
  'template.sync': SyncTemplatesV1,
  'system.replay': ReplayProjectionsV1,
  'secret.set': SetSecretV1,
} as const;
export type CommandType = keyof typeof CommandContracts;
export const COMMAND_TYPES = Object.keys(CommandContracts) as CommandType[];
