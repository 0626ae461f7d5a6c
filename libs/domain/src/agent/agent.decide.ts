import { type NewKnownEvent, type TemplateRef, type RecoveryCause, ErrorCodes, newEvent } from '@sacp/events';
import { DomainError } from '../domain-error';
import { agentNameStreamId, agentStreamId, type AgentNameState, type AgentState } from './agent.state';

export type AgentCommand =
  | { type: 'deploy'; agentId: string; name: string; template: TemplateRef; team?: { name: string; role: string | null } }
  | { type: 'adopt'; agentId: string; name: string; containerId: string; containerName: string; image: string; running: boolean }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'restart' }
  | { type: 'remove'; volumes?: boolean }
  | { type: 'schedule_restart'; attempt: number; delayMs: number; cause: RecoveryCause; now: string }
  | { type: 'abandon_recovery'; attempts: number; windowSeconds: number; cause: RecoveryCause }
  | { type: 'report_health'; containerId: string; status: 'healthy' | 'unhealthy'; probe: 'docker' | 'command' | 'http'; output: string };

/** Events for one stream, appended only if the stream is still at `expectedVersion`. */
export interface StreamAppend {
  streamId: string;
  expectedVersion: number;
  events: NewKnownEvent[];
}

export interface Decision {
  appends: StreamAppend[];
  /** what the command's reply reports; `changed: false` means the agent was already as asked */
  result: { agentId: string; name: string; changed: boolean; desired: AgentState['desired'] };
}

function requireLive(state: AgentState, action: string): void {
  if (!state.exists) throw new DomainError(ErrorCodes.AGENT_NOT_FOUND, `no agent ${state.agentId || ''} exists`.trim());
  if (state.desired === 'removed')
    throw new DomainError(ErrorCodes.AGENT_REMOVED, `cannot ${action} agent "${state.name}": it has been removed`, {
      agent: state.name,
      agentId: state.agentId,
    });
}

function claimName(name: string, agentId: string, nameState: AgentNameState): StreamAppend {
  if (nameState.holder)
    throw new DomainError(ErrorCodes.AGENT_NAME_IN_USE, `the name "${name}" is already used by agent ${nameState.holder}; choose another name or remove that agent first`, {
      name,
      agentId: nameState.holder,
    });
  return {
    streamId: agentNameStreamId(name),
    expectedVersion: nameState.version,
    events: [newEvent('agent.name_claimed', { name, agentId })],
  };
}

/**
 * Decides what a command on one agent means. `nameState` is the state of the name
 * stream, needed only where a name is claimed.
 */
export function decideAgent(command: AgentCommand, state: AgentState, nameState?: AgentNameState): Decision {
  const result = (changed: boolean, desired: AgentState['desired'], s: { agentId: string; name: string } = state) => ({
    agentId: s.agentId,
    name: s.name,
    changed,
    desired,
  });
  const onAgent = (events: NewKnownEvent[]): StreamAppend[] => (events.length ? [{ streamId: agentStreamId(state.agentId), expectedVersion: state.version, events }] : []);

  switch (command.type) {
    case 'deploy':
    case 'adopt': {
      if (state.exists) throw new DomainError(ErrorCodes.AGENT_CONFLICT, `agent ${command.agentId} already exists`, { agentId: command.agentId });
      const claim = claimName(command.name, command.agentId, nameState ?? { holder: null, version: 0 });
      const event =
        command.type === 'deploy'
          ? newEvent('agent.deployed', {
              agentId: command.agentId,
              name: command.name,
              template: command.template,
              generation: 1,
              ...(command.team ? { team: command.team.name, role: command.team.role } : {}),
            })
          : newEvent('agent.adopted', {
              agentId: command.agentId,
              name: command.name,
              containerId: command.containerId,
              containerName: command.containerName,
              image: command.image,
              running: command.running,
            });
      return {
        appends: [{ streamId: agentStreamId(command.agentId), expectedVersion: 0, events: [event] }, claim],
        result: result(true, command.type === 'adopt' && !command.running ? 'stopped' : 'running', command),
      };
    }
    case 'start':
      requireLive(state, 'start');
      // already running, or a start is still on its way: nothing to add, unless Docker keeps failing it (the operator's start resets the back-off)
      if (state.desired === 'running' && !state.operationFailure && (state.observed === 'running' || state.startSeqRequested > state.startSeqDone))
        return { appends: [], result: result(false, 'running') };
      return { appends: onAgent([newEvent('agent.start_requested', { agentId: state.agentId })]), result: result(true, 'running') };
    case 'stop':
      requireLive(state, 'stop');
      if (state.desired === 'stopped' && !state.operationFailure) return { appends: [], result: result(false, 'stopped') };
      return { appends: onAgent([newEvent('agent.stop_requested', { agentId: state.agentId })]), result: result(true, 'stopped') };
    case 'restart':
      requireLive(state, 'restart');
      if (state.desired === 'stopped') return { appends: onAgent([newEvent('agent.start_requested', { agentId: state.agentId })]), result: result(true, 'running') };
      return {
        appends: onAgent([newEvent('agent.restart_requested', { agentId: state.agentId, restartSeq: state.restartSeqRequested + 1 })]),
        result: result(true, 'running'),
      };
    case 'remove': {
      const requested = newEvent('agent.remove_requested', { agentId: state.agentId, ...(command.volumes ? { volumes: true } : {}) });
      // a removal Docker keeps failing: asking again is how an operator resets its back-off
      if (state.exists && state.desired === 'removed' && state.observed !== 'removed' && state.operationFailure)
        return { appends: onAgent([requested]), result: result(true, 'removed') };
      requireLive(state, 'remove');
      return { appends: onAgent([requested]), result: result(true, 'removed') };
    }
    case 'schedule_restart': {
      requireLive(state, 'restart');
      // an operator's stop, a policy that gave up, the same failure reported twice, or a restart
      // already on its way (one incident can be seen twice: a killed container, then gone): nothing to schedule
      if (state.desired !== 'running' || state.recoveryAbandoned || state.lastRecoveryCauseId === command.cause.eventId || state.restartSeqRequested > state.restartSeqDone)
        return { appends: [], result: result(false, state.desired) };
      const dueAt = new Date(Date.parse(command.now) + command.delayMs).toISOString();
      return {
        appends: onAgent([
          newEvent('agent.restart_scheduled', {
            agentId: state.agentId,
            restartSeq: state.restartSeqRequested + 1,
            attempt: command.attempt,
            delayMs: command.delayMs,
            dueAt,
            cause: command.cause,
          }),
        ]),
        result: result(true, 'running'),
      };
    }
    case 'abandon_recovery':
      requireLive(state, 'give up on');
      if (state.recoveryAbandoned || state.lastRecoveryCauseId === command.cause.eventId) return { appends: [], result: result(false, state.desired) };
      return {
        appends: onAgent([
          newEvent('agent.recovery_abandoned', { agentId: state.agentId, attempts: command.attempts, windowSeconds: command.windowSeconds, cause: command.cause }),
        ]),
        result: result(true, state.desired),
      };
    case 'report_health':
      requireLive(state, 'report health of');
      // a verdict on an older container, or no change: nothing to record
      if (command.containerId !== state.containerId || command.status === state.health) return { appends: [], result: result(false, state.desired) };
      return {
        appends: onAgent([
          newEvent('agent.health_changed', { agentId: state.agentId, containerId: command.containerId, status: command.status, probe: command.probe, output: command.output }),
        ]),
        result: result(true, state.desired),
      };
  }
}
