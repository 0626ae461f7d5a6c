import type { z } from 'zod';
import { AgentDeployedV1 } from './agent-deployed.v1';
import { AgentStartRequestedV1 } from './agent-start-requested.v1';
import { AgentStopRequestedV1 } from './agent-stop-requested.v1';
import { AgentRestartRequestedV1 } from './agent-restart-requested.v1';
import { AgentRemoveRequestedV1 } from './agent-remove-requested.v1';
import { AgentAdoptedV1 } from './agent-adopted.v1';
import { AgentContainerCreatedV1 } from './agent-container-created.v1';
import { AgentContainerStartedV1 } from './agent-container-started.v1';
import { AgentContainerStoppedV1 } from './agent-container-stopped.v1';
import { AgentContainerExitedV1 } from './agent-container-exited.v1';
import { AgentContainerRestartedV1 } from './agent-container-restarted.v1';
import { AgentContainerRemovedV1 } from './agent-container-removed.v1';
import { AgentRemovedV1 } from './agent-removed.v1';
import { AgentOperationFailedV1 } from './agent-operation-failed.v1';
import { AgentOperationFailedV2 } from './agent-operation-failed.v2';
import { AgentNameClaimedV1 } from './agent-name-claimed.v1';
import { AgentNameReleasedV1 } from './agent-name-released.v1';
import { SecretSetV1 } from './secret-set.v1';
import { SecretGrantedV1 } from './secret-granted.v1';
import { AgentRestartScheduledV1 } from './agent-restart-scheduled.v1';
import { AgentRecoveryAbandonedV1 } from './agent-recovery-abandoned.v1';
import { AgentHealthChangedV1 } from './agent-health-changed.v1';
import { AlertRaisedV1 } from './alert-raised.v1';
import { AlertResolvedV1 } from './alert-resolved.v1';
import { AlertAcknowledgedV1 } from './alert-acknowledged.v1';
import { AccessRefusedV1 } from './access-refused.v1';
import { TemplateVersionRegisteredV1 } from './template-version-registered.v1';
import { ContainerQuarantinedV1 } from './container-quarantined.v1';
import { ContainerQuarantineRemovedV1 } from './container-quarantine-removed.v1';
import { VolumeRemovedV1 } from './volume-removed.v1';
import { TeamEventContracts } from '../teams/team-events.v1';
import { TaskEventContracts } from '../tasks/task-events.v1';
import { TokenCreatedV1, TokenRevokedV1, UserAddedV1, UserPasswordChangedV1, UserRemovedV1, UserRoleChangedV1 } from './users.v1';

export * from './template-ref';
export * from './agent-deployed.v1';
export * from './agent-start-requested.v1';
export * from './agent-stop-requested.v1';
export * from './agent-restart-requested.v1';
export * from './agent-remove-requested.v1';
export * from './agent-adopted.v1';
export * from './agent-container-created.v1';
export * from './agent-container-started.v1';
export * from './agent-container-stopped.v1';
export * from './agent-container-exited.v1';
export * from './agent-container-restarted.v1';
export * from './agent-container-removed.v1';
export * from './agent-removed.v1';
export * from './agent-operation-failed.v1';
export * from './agent-operation-failed.v2';
export * from './agent-name-claimed.v1';
export * from './agent-name-released.v1';
export * from './template-version-registered.v1';
export * from './secret-set.v1';
export * from './secret-granted.v1';
export * from './recovery-cause';
export * from './agent-restart-scheduled.v1';
export * from './agent-recovery-abandoned.v1';
export * from './agent-health-changed.v1';
export * from './alert-raised.v1';
export * from './alert-resolved.v1';
export * from './alert-acknowledged.v1';
export * from './access-refused.v1';
export * from './container-quarantined.v1';
export * from './container-quarantine-removed.v1';
export * from './volume-removed.v1';
export * from './users.v1';

/** Every event contract, keyed by type. Published on `sacp.evt.<type>`. */
export const EventContracts = {
  'agent.deployed': AgentDeployedV1,
  'agent.start_requested': AgentStartRequestedV1,
  'agent.stop_requested': AgentStopRequestedV1,
  'agent.restart_requested': AgentRestartRequestedV1,
  'agent.remove_requested': AgentRemoveRequestedV1,
  'agent.adopted': AgentAdoptedV1,
  'agent.container_created': AgentContainerCreatedV1,
  'agent.container_started': AgentContainerStartedV1,
  'agent.container_stopped': AgentContainerStoppedV1,
  'agent.container_exited': AgentContainerExitedV1,
  'agent.container_restarted': AgentContainerRestartedV1,
  'agent.container_removed': AgentContainerRemovedV1,
  'agent.removed': AgentRemovedV1,
  'agent.operation_failed': AgentOperationFailedV2,
  'agent.name_claimed': AgentNameClaimedV1,
  'agent.name_released': AgentNameReleasedV1,
  'template.version_registered': TemplateVersionRegisteredV1,
  'secret.set': SecretSetV1,
  'secret.granted': SecretGrantedV1,
  'agent.restart_scheduled': AgentRestartScheduledV1,
  'agent.recovery_abandoned': AgentRecoveryAbandonedV1,
  'agent.health_changed': AgentHealthChangedV1,
  'alert.raised': AlertRaisedV1,
  'alert.resolved': AlertResolvedV1,
  'alert.acknowledged': AlertAcknowledgedV1,
  'access.refused': AccessRefusedV1,
  'container.quarantined': ContainerQuarantinedV1,
  'container.quarantine_removed': ContainerQuarantineRemovedV1,
  'volume.removed': VolumeRemovedV1,
  'user.added': UserAddedV1,
  'user.role_changed': UserRoleChangedV1,
  'user.password_changed': UserPasswordChangedV1,
  'user.removed': UserRemovedV1,
  'token.created': TokenCreatedV1,
  'token.revoked': TokenRevokedV1,
  ...TeamEventContracts,
  ...TaskEventContracts,
} as const;
export type EventType = keyof typeof EventContracts;

/**
 * Published versions that writers no longer produce but stores still hold. Readers
 * fold them beside the current version (see `evolveAgent`); each keeps its frozen example.
 */
export const PreviousEventContracts = [AgentOperationFailedV1] as const;
export const EVENT_TYPES = Object.keys(EventContracts) as EventType[];

/** The data of each event type, for handlers that switch on `type`. */
export type EventDataMap = { [K in EventType]: z.infer<(typeof EventContracts)[K]['data']> };

/**
 * Checks an event's data against its contract before it is stored. Types this
 * version does not know are passed through (other writers may be newer).
 */
export function eventDataProblems(type: string, schemaVersion: number, data: unknown): string | null {
  const contract = (EventContracts as Record<string, { version: number; data: z.ZodType }>)[type];
  if (!contract) return null;
  if (contract.version !== schemaVersion) return `${type} has schema version ${contract.version} here, not ${schemaVersion}`;
  const r = contract.data.safeParse(data);
  return r.success ? null : `${type}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
}
