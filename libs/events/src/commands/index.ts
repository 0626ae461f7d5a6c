import type { z } from 'zod';
import { AdoptAgentV1 } from './adopt-agent.v1';
import { DeployAgentV1 } from './deploy-agent.v1';
import { RemoveAgentV1 } from './remove-agent.v1';
import { ReplayProjectionsV1 } from './replay-projections.v1';
import { RestartAgentV1 } from './restart-agent.v1';
import { StartAgentV1 } from './start-agent.v1';
import { StopAgentV1 } from './stop-agent.v1';
import { SyncTemplatesV1 } from './sync-templates.v1';
import { SetSecretV1 } from './set-secret.v1';
import { ScheduleRestartV1 } from './schedule-restart.v1';
import { AbandonRecoveryV1 } from './abandon-recovery.v1';
import { ReportHealthV1 } from './report-health.v1';
import { RaiseAlertV1 } from './raise-alert.v1';
import { ResolveAlertV1 } from './resolve-alert.v1';
import { AcknowledgeAlertV1 } from './acknowledge-alert.v1';
import { RefuseAccessV1 } from './refuse-access.v1';
import { RemoveQuarantinedV1 } from './remove-quarantined.v1';
import { RemoveVolumeV1 } from './remove-volume.v1';
import { AddUserV1, CreateTokenV1, RemoveUserV1, RevokeTokenV1, SetUserPasswordV1, SetUserRoleV1 } from './users.v1';
import type { CommandResults } from './command-results';
import { TeamCommandContracts } from '../teams/team-commands.v1';
import { TaskCommandContracts } from '../tasks/task-commands.v1';

export * from './command-envelope';
export * from './command-id';
export * from './command-results';
export * from './adopt-agent.v1';
export * from './deploy-agent.v1';
export * from './remove-agent.v1';
export * from './replay-projections.v1';
export * from './restart-agent.v1';
export * from './start-agent.v1';
export * from './stop-agent.v1';
export * from './sync-templates.v1';
export * from './set-secret.v1';
export * from './schedule-restart.v1';
export * from './abandon-recovery.v1';
export * from './report-health.v1';
export * from './raise-alert.v1';
export * from './resolve-alert.v1';
export * from './acknowledge-alert.v1';
export * from './refuse-access.v1';
export * from './remove-quarantined.v1';
export * from './remove-volume.v1';
export * from './users.v1';

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
  'agent.schedule_restart': ScheduleRestartV1,
  'agent.abandon_recovery': AbandonRecoveryV1,
  'agent.report_health': ReportHealthV1,
  'alert.raise': RaiseAlertV1,
  'alert.resolve': ResolveAlertV1,
  'alert.acknowledge': AcknowledgeAlertV1,
  'access.refuse': RefuseAccessV1,
  'container.remove_quarantined': RemoveQuarantinedV1,
  'volume.remove': RemoveVolumeV1,
  'user.add': AddUserV1,
  'user.set_role': SetUserRoleV1,
  'user.set_password': SetUserPasswordV1,
  'user.remove': RemoveUserV1,
  'token.create': CreateTokenV1,
  'token.revoke': RevokeTokenV1,
  ...TeamCommandContracts,
  ...TaskCommandContracts,
} as const;
export type CommandType = keyof typeof CommandContracts;
export const COMMAND_TYPES = Object.keys(CommandContracts) as CommandType[];

/** What a sender puts in `payload` for this command type (before the orchestrator applies defaults). */
export type CommandPayload<K extends CommandType> = z.input<(typeof CommandContracts)[K]['payload']>;
/** What an accepted reply to this command type carries in `result` (every type has an entry in CommandResults). */
export type CommandResult<K extends CommandType> = CommandResults[K];
