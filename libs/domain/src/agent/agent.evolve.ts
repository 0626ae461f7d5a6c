import type { Actor, EventDataMap, AgentOperationFailedDataV1 } from '@sacp/events';
import type { AgentNameState, AgentState, AlertState } from './agent.state';

/** The part of a stored event that folding needs. */
export type EvolvableEvent = {
  [K in keyof EventDataMap]: { type: K; data: EventDataMap[K]; metadata: { occurredAt: string; actor?: Actor } };
}[keyof EventDataMap];

/** Folds one event of the agent's stream into its state. Unknown types pass through, so newer writers do not break older readers. */
export function evolveAgent(state: AgentState, event: EvolvableEvent): AgentState {
  const at = event.metadata.occurredAt;
  const s: AgentState = { ...state, version: state.version + 1, updatedAt: at };
  switch (event.type) {
    case 'agent.deployed':
      return {
        ...s,
        exists: true,
        agentId: event.data.agentId,
        name: event.data.name,
        template: event.data.template,
        team: event.data.team ?? null,
        teamRole: event.data.role ?? null,
        generation: event.data.generation,
        desired: 'running',
        observed: 'pending',
        startSeqRequested: 1,
        createdAt: at,
      };
    case 'agent.adopted':
      return {
        ...s,
        exists: true,
        adopted: true,
        agentId: event.data.agentId,
        name: event.data.name,
        generation: 1,
        desired: event.data.running ? 'running' : 'stopped',
        observed: event.data.running ? 'running' : 'stopped',
        containerId: event.data.containerId,
        containerName: event.data.containerName,
        startSeqRequested: event.data.running ? 1 : 0,
        startSeqDone: event.data.running ? 1 : 0,
        createdAt: at,
      };
    case 'agent.start_requested':
      return { ...s, desired: 'running', startSeqRequested: s.startSeqRequested + 1, recoveryAbandoned: false, operationFailure: null };
    case 'agent.stop_requested':
      return { ...s, desired: 'stopped', operationFailure: null };
    case 'agent.restart_requested':
      return { ...s, desired: 'running', restartSeqRequested: event.data.restartSeq, restartDueAt: null, recoveryAbandoned: false, operationFailure: null };
    case 'agent.restart_scheduled':
      return {
        ...s,
        restartSeqRequested: event.data.restartSeq,
        restartDueAt: event.data.dueAt,
        restartHistory: [...s.restartHistory, at].slice(-50),
        lastRecoveryCauseId: event.data.cause.eventId,
      };
    case 'agent.team_changed':
      // a new generation: the container is made again with the team's network, label and volume
      // (Docker cannot change a container's labels or mounts); a running agent runs again in it
      return {
        ...s,
        team: event.data.team,
        teamRole: event.data.role,
        generation: s.generation + 1,
        ...(s.desired === 'running' ? { startSeqRequested: s.startSeqRequested + 1 } : {}),
      };
    case 'agent.recovery_abandoned':
      return { ...s, recoveryAbandoned: true, lastRecoveryCauseId: event.data.cause.eventId };
    case 'agent.health_changed':
      return event.data.containerId === s.containerId ? { ...s, health: event.data.status } : s;
    case 'agent.remove_requested': {
      const by = event.metadata.actor;
      return {
        ...s,
        desired: 'removed',
        operationFailure: null,
        // a second request (the reset of a failing removal) may add the volumes, never take them back
        removeVolumes: s.removeVolumes || event.data.volumes === true,
        removeRequestedBy: by ? { kind: by.kind, id: by.id, displayName: by.displayName } : s.removeRequestedBy,
      };
    }
    case 'agent.container_created':
      return {
        ...s,
        containerId: event.data.containerId,
        containerName: event.data.containerName,
        generation: event.data.generation,
        observed: 'created',
        lastError: null,
      };
    case 'agent.container_started':
      return {
        ...s,
        containerId: event.data.containerId,
        observed: 'running',
        startSeqDone: s.startSeqRequested,
        lastError: null,
        operationFailure: null,
        operationAlertOpen: false,
        health: 'unknown',
        runningSince: s.observed === 'running' && s.containerId === event.data.containerId ? s.runningSince : at,
      };
    case 'agent.container_stopped':
      return {
        ...s,
        ...(s.desired === 'running' ? {} : { operationFailure: null, operationAlertOpen: false }),
        observed: 'stopped',
        lastExitCode: event.data.exitCode,
        runningSince: null,
        health: 'unknown',
      };
    case 'agent.container_exited':
      return { ...s, observed: 'exited', lastExitCode: event.data.exitCode, lastOomKilled: event.data.oomKilled, runningSince: null, health: 'unknown' };
    case 'agent.container_restarted':
      return {
        ...s,
        observed: 'running',
        restartSeqDone: Math.max(s.restartSeqDone, event.data.restartSeq),
        startSeqDone: s.startSeqRequested,
        restartDueAt: null,
        health: 'unknown',
        runningSince: at,
        restarts: s.restarts + 1,
        lastError: null,
        operationFailure: null,
        operationAlertOpen: false,
      };
    case 'agent.container_removed':
      return event.data.containerId === s.containerId ? { ...s, containerId: null, containerName: null, observed: 'absent', runningSince: null, health: 'unknown' } : s;
    case 'agent.removed':
      return { ...s, desired: 'removed', observed: 'removed', containerId: null, containerName: null, operationFailure: null, operationAlertOpen: false };
    case 'agent.operation_failed': {
      const d = event.data as EventDataMap['agent.operation_failed'] | AgentOperationFailedDataV1;
      const lastError = { operation: d.operation, code: d.code, message: d.message, at };
      const previous = s.operationFailure;
      // version 1 carried no back-off: count it on and let the next attempt run at once
      const v2 = 'failures' in d ? d : null;
      return {
        ...s,
        lastError,
        operationAlertOpen: s.operationAlertOpen || (v2 !== null && v2.nextAttemptAt === null),
        operationFailure: {
          operation: d.operation,
          code: d.code,
          message: d.message,
          failures: v2 ? v2.failures : (previous?.failures ?? 0) + 1,
          limit: v2 ? v2.limit : (previous?.limit ?? null),
          firstAt: previous?.firstAt ?? at,
          lastAt: at,
          nextAttemptAt: v2 ? v2.nextAttemptAt : null,
          gaveUp: v2 ? v2.nextAttemptAt === null : false,
        },
      };
    }
    default:
      return s;
  }
}

export function evolveAlert(state: AlertState, event: EvolvableEvent): AlertState {
  switch (event.type) {
    case 'alert.raised':
      return { open: true, version: state.version + 1, acknowledged: false };
    case 'alert.resolved':
      return { open: false, version: state.version + 1, acknowledged: false };
    case 'alert.acknowledged':
      return { ...state, version: state.version + 1, acknowledged: true };
    default:
      return { ...state, version: state.version + 1 };
  }
}

export function evolveAgentName(state: AgentNameState, event: EvolvableEvent): AgentNameState {
  switch (event.type) {
    case 'agent.name_claimed':
      return { holder: event.data.agentId, version: state.version + 1 };
    case 'agent.name_released':
      return { holder: null, version: state.version + 1 };
    default:
      return { ...state, version: state.version + 1 };
  }
}
