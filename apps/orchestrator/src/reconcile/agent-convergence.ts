import { Inject, Injectable } from '@nestjs/common';
import {
  decideOperationFailure,
  isSameFailure,
  Labels,
  operationGate,
  planReconcile,
  type AgentState,
  type OperationRetryPolicy,
  type ObservedContainer,
  type ReconcileAction,
} from '@sacp/domain';
import { DockerDriver, type ContainerSummary } from '@sacp/docker';
import { ConcurrencyError, EventStore } from '@sacp/event-store';
import type { StoredEvent } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import { AgentLocator } from '../commands/agent-locator';
import type { OrchestratorConfig } from '../config';
import { AgentNetworks } from '../network/agent-networks';
import { AgentRecorder } from './agent-recorder';
import { ContainerActions } from './container-actions';
import { ControlPlaneLabels } from './control-plane-labels';
import { Quarantine } from './quarantine';
import { LeaseLost, OperationFailure, type Live } from './reconcile-errors';
import type { WakeTimers } from './wake-timers';

/** Actions that call Docker and so wait for the back-off; the others only record what Docker shows. */
const DOCKER_ACTIONS = new Set<ReconcileAction['kind']>(['create', 'start', 'restart', 'stop', 'remove', 'report-missing']);

const toObserved = (c: ContainerSummary): ObservedContainer => ({
  id: c.id,
  name: c.name,
  running: c.running || c.state === 'restarting',
  exitCode: c.exitCode,
  oomKilled: c.oomKilled,
  finishedAt: c.finishedAt,
});

/** What one pass over an agent needs from the reconciler that runs it. */
export interface AgentPass {
  live: Live;
  timers: WakeTimers;
}

/**
 * Brings one agent to its desired state, one step at a time: read its stream, look at
 * its containers, let the plan pick the next action, carry it out, and look again.
 * A Docker operation that fails is recorded with back-off; a conflict looks again.
 */
@Injectable()
export class AgentConvergence {
  private readonly retry: OperationRetryPolicy;

  constructor(
    private readonly agents: AgentLocator,
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    private readonly labels: ControlPlaneLabels,
    private readonly actions: ContainerActions,
    private readonly recorder: AgentRecorder,
    private readonly quarantine: Quarantine,
    private readonly networks: AgentNetworks,
    @Inject(CONFIG) config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    this.retry = {
      limit: config.SACP_OPERATION_RETRY_LIMIT,
      initialMs: config.SACP_OPERATION_RETRY_INITIAL_MS,
      maxMs: config.SACP_OPERATION_RETRY_MAX_MS,
      multiplier: config.SACP_OPERATION_RETRY_MULTIPLIER,
    };
  }

  /** Converges the agent; returns its state as last read (null when the store does not know it). */
  async converge(agentId: string, pass: AgentPass): Promise<AgentState | null> {
    let last: AgentState | null = null;
    for (let step = 0; step < 16 && pass.live(); step++) {
      const { state, events } = await this.agents.load(agentId);
      if (!state.exists) {
        // our labels, an agent this store never recorded (a restored backup, a crash between create and record, a hand-made copy): quarantined, never removed on sight
        for (const c of await this.docker.listByLabels({ ...(await this.labels.own()), [Labels.agentId]: agentId }))
          if (pass.live()) await this.quarantine.take(pass.live, c, agentId);
        return null;
      }
      last = state;
      pass.timers.whenDue(state);
      const containers = await this.containersOf(state);
      const now = new Date().toISOString();
      const [action] = planReconcile(state, containers.map(toObserved), now);
      pass.timers.clearRetry(agentId);
      if (!action) {
        // converged; the container may still be on networks its team no longer wants (egress changed)
        const current = containers.find((c) => c.id === state.containerId);
        if (current && (await this.moveNetworks(pass, state, current, events[events.length - 1]!))) continue;
        return last;
      }
      if (DOCKER_ACTIONS.has(action.kind)) {
        const gate = operationGate(state, now);
        if (!gate.go) {
          pass.timers.forRetry(agentId, gate.until, now);
          return last;
        }
      }
      try {
        await this.actions.execute(pass.live, action, state, events[events.length - 1]!);
      } catch (err) {
        if (err instanceof ConcurrencyError) continue; // someone else changed the agent: look again
        if (err instanceof LeaseLost) this.log.info('stopped reconciling: the leader lease ran out', { agentId });
        else if (err instanceof OperationFailure) await this.recordFailure(pass, state, events[events.length - 1]!, err);
        else throw err;
        return last;
      }
    }
    return last;
  }

  private async moveNetworks(pass: AgentPass, state: AgentState, container: ContainerSummary, cause: StoredEvent): Promise<boolean> {
    try {
      return await this.networks.converge(pass.live, state, container, cause);
    } catch (err) {
      if (err instanceof ConcurrencyError) return true;
      if (err instanceof OperationFailure) await this.recordFailure(pass, state, cause, err);
      else if (!(err instanceof LeaseLost)) throw err;
      return false;
    }
  }

  private async containersOf(state: AgentState): Promise<ContainerSummary[]> {
    if (state.adopted) {
      const c = state.containerId ? await this.docker.inspect(state.containerId) : null;
      return c ? [c] : [];
    }
    // this store's containers of the agent, and ones made before containers carried a store id (no label) so an upgrade keeps them
    const store = await this.store.storeId();
    const found = await this.docker.listByLabels({ [Labels.instance]: this.labels.instance, [Labels.agentId]: state.agentId });
    return found.filter((c) => c.labels[Labels.store] === undefined || c.labels[Labels.store] === store);
  }

  /**
   * One event per failed attempt, with the back-off's count and next attempt; none on
   * the passes in between. At the limit, a critical alert in the same append.
   */
  private async recordFailure(pass: AgentPass, state: AgentState, cause: StoredEvent, failure: OperationFailure): Promise<void> {
    const now = new Date().toISOString();
    const failureData = { operation: failure.operation, code: failure.code, message: failure.message };
    const decision = decideOperationFailure(state, failureData, now, this.retry);
    if (!decision.events.length) return;
    const log = decision.alert ? this.log.error.bind(this.log) : this.log.warn.bind(this.log);
    log(decision.alert ? 'docker operation keeps failing; waiting for an operator' : 'docker operation failed; retrying with back-off', {
      agentId: state.agentId,
      name: state.name,
      operation: failure.operation,
      code: failure.code,
      error: failure.message,
      same: isSameFailure(state, failureData),
      failures: decision.failures,
      nextAttemptAt: decision.nextAttemptAt,
    });
    const more = decision.alert ? await this.recorder.alertAppends({ type: 'raise', alert: decision.alert }) : [];
    try {
      await this.recorder.record(pass.live, state, cause, decision.events, more);
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // the agent changed meanwhile (an operator's command): the next pass looks again
      return;
    }
    if (decision.nextAttemptAt) pass.timers.forRetry(state.agentId, decision.nextAttemptAt, now);
  }
}
