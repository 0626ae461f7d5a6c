import type { StoredEvent } from '../../../../libs/events/src/event-envelope';
import type { NewKnownEvent } from '../../../../libs/events/src/event-envelope';
import { ErrorCodes } from '../../../../libs/events/src/error-codes';
import { SYSTEM_ACTOR, type EventMetadata } from '../../../../libs/events/src/metadata';
import { agentNameStreamId, agentStreamId, type AgentState } from '../../../../libs/domain/src/agent/agent.state';
import { planReconcile, type ObservedContainer, type ReconcileAction } from '../../../../libs/domain/src/agent/reconcile.plan';
import type { ContainerPolicy } from '../../../../libs/domain/src/container/container-policy';
import { guardContainerSpec } from '../templates/container-guard';
import type { ContainerSpec } from '../../../../libs/domain/src/container/container-spec';
import { buildContainerSpec, Labels, MissingSecretError } from '../../../../libs/domain/src/container/container-spec.build';
import type { Template } from '../../../../libs/domain/src/templates/template.schema';
import type { DockerDriver } from '../../../../libs/docker/src/docker.driver';
import type { ContainerSummary } from '../../../../libs/docker/src/container-summary';
import { ConcurrencyError } from '../../../../libs/event-store/src/errors';
import type { AppendRequest, PgEventStore } from '../../../../libs/event-store/src/pg-event-store';
import type { JsonLogger } from '../../../../libs/platform/src/logger';
import type { AgentLocator } from '../commands/agent-locator';
import type { AgentRegistryReader } from '../queries/agent-registry.reader';
import type { TemplateCatalog } from '../templates/template-catalog';

export interface ReconcilerDeps {
  store: PgEventStore;
  agents: AgentLocator;
  registry: AgentRegistryReader;
  docker: DockerDriver;
  catalog: TemplateCatalog;
  policy: ContainerPolicy;
  instance: string;
  log: JsonLogger;
  intervalMs: number;
  watchDockerEvents: boolean;
  secrets: (template: Template) => Promise<Record<string, string>>;
  clock?: () => Date;
}

class OperationFailure extends Error {
  constructor(
    readonly operation: 'create' | 'start' | 'stop' | 'restart' | 'remove',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const toObserved = (c: ContainerSummary): ObservedContainer => ({
  id: c.id,
  name: c.name,
  running: c.running || c.state === 'restarting',
  exitCode: c.exitCode,
  oomKilled: c.oomKilled,
  finishedAt: c.finishedAt,
});

/**
 * Level-triggered convergence of desired state (the event store) and actual state
 * (containers found by label). Runs on the elected replica only. Reacts to appends
 * (announced on the bus) and Docker events as hints, and makes a full pass on an
 * interval, so a missed hint only delays convergence.
 */
export class Reconciler {
  private active = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private dockerEvents: AbortController | null = null;
  /** wake-ups for restarts the recovery policy scheduled: one timer per agent, rebuilt from state on every pass */
  private readonly dueTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: ReconcilerDeps) {}

  get isActive(): boolean {
    return this.active;
  }

  activate(): void {
    if (this.active) return;
    this.active = true;
    this.d.log.info('reconciler active', { instance: this.d.instance });
    void this.loop();
    if (this.d.watchDockerEvents) this.watchDocker();
  }

  deactivate(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.dueTimers.values()) clearTimeout(t);
    this.dueTimers.clear();
    this.dockerEvents?.abort();
    this.dockerEvents = null;
  }

  /** Waits for every running agent pass to end (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** A stream changed: reconcile the agent it belongs to. */
  onStreamChanged(streamId: string): void {
    if (!this.active) return;
    if (streamId === '') return void this.fullPass().catch((err) => this.d.log.warn('reconcile pass failed', { error: err }));
    if (streamId.startsWith('agent-') && !streamId.startsWith('agent-name-')) this.schedule(streamId.slice('agent-'.length));
  }

  private async loop(): Promise<void> {
    if (!this.active) return;
    try {
      await this.fullPass();
    } catch (err) {
      this.d.log.warn('reconcile pass failed', { error: err });
    }
    if (this.active) this.timer = setTimeout(() => void this.loop(), this.d.intervalMs);
  }

  /** Every agent the registry knows plus every container carrying this instance's label. */
  async fullPass(): Promise<void> {
    const ids = new Set(await this.d.registry.activeAgentIds());
    const containers = await this.d.docker.listByLabels({ [Labels.managed]: 'true', [Labels.instance]: this.d.instance });
    for (const c of containers) if (c.labels[Labels.agentId]) ids.add(c.labels[Labels.agentId]!);
    await Promise.all([...ids].map((id) => this.schedule(id)));
  }

  /** One pass per agent at a time; a request during a pass runs one more pass after it. */
  schedule(agentId: string): Promise<void> {
    const running = this.inFlight.get(agentId);
    if (running) {
      this.again.add(agentId);
      return running;
    }
    const p = (async () => {
      try {
        do {
          this.again.delete(agentId);
          await this.reconcileAgent(agentId);
        } while (this.again.has(agentId) && this.active);
      } catch (err) {
        this.d.log.warn('reconcile failed', { agentId, error: err });
      } finally {
        this.inFlight.delete(agentId);
      }
    })();
    this.inFlight.set(agentId, p);
    return p;
  }

  private async containersOf(state: AgentState): Promise<ContainerSummary[]> {
    if (state.adopted) {
      const c = state.containerId ? await this.d.docker.inspect(state.containerId) : null;
      return c ? [c] : [];
    }
    return this.d.docker.listByLabels({ [Labels.instance]: this.d.instance, [Labels.agentId]: state.agentId });
  }

  async reconcileAgent(agentId: string): Promise<void> {
    for (let step = 0; step < 16 && this.active; step++) {
      const { state, events } = await this.d.agents.load(agentId);
      if (!state.exists) {
        // containers of an agent this store never recorded: leftovers, never ours to keep
        for (const c of await this.d.docker.listByLabels({ [Labels.instance]: this.d.instance, [Labels.agentId]: agentId })) {
          this.d.log.warn('removing orphan container', { agentId, containerId: c.id, name: c.name });
          await this.d.docker.remove(c.id, { force: true });
        }
        return;
      }
      this.wakeWhenDue(state);
      const containers = await this.containersOf(state);
      const [action] = planReconcile(state, containers.map(toObserved), (this.d.clock?.() ?? new Date()).toISOString());
      if (!action) return;
      try {
        await this.execute(action, state, events[events.length - 1]!);
      } catch (err) {
        if (err instanceof ConcurrencyError) continue; // someone else changed the agent: look again
        if (err instanceof OperationFailure) return void (await this.recordFailure(state, events[events.length - 1]!, err));
        throw err;
      }
    }
  }

  /** A scheduled restart lives in the event store; the timer only makes it happen on time, and the periodic pass is the fallback. */
  private wakeWhenDue(state: AgentState): void {
    const existing = this.dueTimers.get(state.agentId);
    if (existing) clearTimeout(existing);
    this.dueTimers.delete(state.agentId);
    if (!state.restartDueAt || state.restartSeqRequested <= state.restartSeqDone) return;
    const wait = Date.parse(state.restartDueAt) - (this.d.clock?.() ?? new Date()).getTime();
    if (wait <= 0) return;
    this.dueTimers.set(
      state.agentId,
      setTimeout(() => {
        this.dueTimers.delete(state.agentId);
        if (this.active) void this.schedule(state.agentId);
      }, wait + 5),
    );
  }

  private metadata(cause: StoredEvent): EventMetadata {
    return {
      commandId: null,
      correlationId: cause.metadata.correlationId,
      causationId: cause.eventId,
      actor: SYSTEM_ACTOR,
      source: 'orchestrator:reconcile',
      reason: null,
      occurredAt: (this.d.clock?.() ?? new Date()).toISOString(),
    };
  }

  private async record(state: AgentState, cause: StoredEvent, events: NewKnownEvent[], more: AppendRequest[] = []): Promise<void> {
    await this.d.store.append([{ streamId: agentStreamId(state.agentId), expectedVersion: state.version, events }, ...more], this.metadata(cause));
  }

  private async docker<T>(operation: OperationFailure['operation'], fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new OperationFailure(operation, e.code ?? ErrorCodes.DOCKER_OPERATION_FAILED, e.message ?? String(err));
    }
  }

  private async execute(action: ReconcileAction, state: AgentState, cause: StoredEvent): Promise<void> {
    const agentId = state.agentId;
    const e = <E extends NewKnownEvent>(type: E['type'], data: E['data']) => ({ type, schemaVersion: 1, data }) as NewKnownEvent;
    switch (action.kind) {
      case 'create': {
        const template = await this.d.catalog.definitionAt(state.template!.name, state.template!.version);
        let secrets: Record<string, string>;
        try {
          secrets = await this.d.secrets(template);
        } catch (err) {
          throw new OperationFailure('create', (err as { code?: string }).code ?? ErrorCodes.SECRET_NOT_FOUND, (err as Error).message);
        }
        let spec: ContainerSpec;
        try {
          spec = buildContainerSpec({ agentId, name: state.name, generation: state.generation, template: state.template! }, template, { instance: this.d.instance, secrets });
        } catch (err) {
          if (err instanceof MissingSecretError) throw new OperationFailure('create', ErrorCodes.SECRET_NOT_FOUND, err.message);
          throw err;
        }
        const guarded = await this.docker('create', () => guardContainerSpec(spec, this.d.policy, this.d.docker));
        const violations = guarded.violations;
        spec = guarded.spec;
        if (violations.length)
          throw new OperationFailure('create', ErrorCodes.POLICY_VIOLATION, `container refused by policy: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
        const labels = { [Labels.managed]: 'true', [Labels.instance]: this.d.instance, [Labels.agentId]: agentId };
        for (const m of spec.mounts) if (m.type === 'volume' && m.source) await this.docker('create', () => this.d.docker.ensureVolume(m.source!, labels));
        if (spec.networkMode !== 'bridge')
          await this.docker('create', () => this.d.docker.ensureNetwork(spec.networkMode, { [Labels.managed]: 'true', [Labels.instance]: this.d.instance }));
        const created = await this.docker('create', () => this.d.docker.createContainer(spec));
        this.d.log.info('container created', { agentId, name: state.name, containerId: created.id, existed: !created.created });
        return this.record(state, cause, [e('agent.container_created', { agentId, containerId: created.id, containerName: created.name, generation: state.generation })]);
      }
      case 'record-created':
        return this.record(state, cause, [e('agent.container_created', { agentId, containerId: action.containerId, containerName: action.containerName, generation: state.generation })]);
      case 'start':
        await this.docker('start', () => this.d.docker.start(action.containerId));
        this.d.log.info('container started', { agentId, name: state.name, containerId: action.containerId });
        return this.record(state, cause, [e('agent.container_started', { agentId, containerId: action.containerId })]);
      case 'record-started':
        return this.record(state, cause, [e('agent.container_started', { agentId, containerId: action.containerId })]);
      case 'restart': {
        const timeout = await this.stopTimeout(state);
        if (action.containerId) await this.docker('restart', () => this.d.docker.restart(action.containerId, timeout));
        this.d.log.info('container restarted', { agentId, name: state.name, containerId: action.containerId });
        return this.record(state, cause, [e('agent.container_restarted', { agentId, containerId: action.containerId, restartSeq: action.restartSeq })]);
      }
      case 'stop': {
        await this.docker('stop', async () => this.d.docker.stop(action.containerId, await this.stopTimeout(state)));
        const after = await this.d.docker.inspect(action.containerId);
        this.d.log.info('container stopped', { agentId, name: state.name, containerId: action.containerId });
        return this.record(state, cause, [e('agent.container_stopped', { agentId, containerId: action.containerId, exitCode: after?.exitCode ?? null })]);
      }
      case 'record-stopped':
        return this.record(state, cause, [e('agent.container_stopped', { agentId, containerId: action.containerId, exitCode: action.exitCode })]);
      case 'record-exited':
        this.d.log.warn('container exited on its own', { agentId, name: state.name, exitCode: action.exitCode, oomKilled: action.oomKilled });
        return this.record(state, cause, [
          e('agent.container_exited', { agentId, containerId: action.containerId, exitCode: action.exitCode, oomKilled: action.oomKilled, finishedAt: action.finishedAt }),
        ]);
      case 'record-vanished':
        this.d.log.warn('container vanished', { agentId, name: state.name, containerId: action.containerId });
        return this.record(state, cause, [e('agent.container_removed', { agentId, containerId: action.containerId })]);
      case 'remove':
        await this.docker('remove', () => this.d.docker.remove(action.containerId, { force: true }));
        this.d.log.info('container removed', { agentId, name: state.name, containerId: action.containerId, why: action.why });
        return this.record(state, cause, [e('agent.container_removed', { agentId, containerId: action.containerId })]);
      case 'finish-removal': {
        const nameState = await this.d.agents.loadName(state.name);
        const release: AppendRequest[] =
          nameState.holder === agentId
            ? [{ streamId: agentNameStreamId(state.name), expectedVersion: nameState.version, events: [e('agent.name_released', { name: state.name, agentId })] }]
            : [];
        this.d.log.info('agent removed', { agentId, name: state.name });
        return this.record(state, cause, [e('agent.removed', { agentId, name: state.name })], release);
      }
      case 'report-missing':
        throw new OperationFailure('start', ErrorCodes.CONTAINER_NOT_FOUND, action.why);
    }
  }

  private async stopTimeout(state: AgentState): Promise<number> {
    if (!state.template) return 10;
    return (await this.d.catalog.definitionAt(state.template.name, state.template.version)).stopTimeoutSeconds;
  }

  /** A failure is recorded once per cause; the next pass retries while the desired state stands. */
  private async recordFailure(state: AgentState, cause: StoredEvent, failure: OperationFailure): Promise<void> {
    this.d.log.warn('docker operation failed', { agentId: state.agentId, name: state.name, operation: failure.operation, code: failure.code, error: failure.message });
    if (state.lastError?.code === failure.code && state.lastError.operation === failure.operation && state.lastError.message === failure.message) return;
    await this.record(state, cause, [
      { type: 'agent.operation_failed', schemaVersion: 1, data: { agentId: state.agentId, operation: failure.operation, code: failure.code, message: failure.message } } as NewKnownEvent,
    ]).catch((err) => {
      if (!(err instanceof ConcurrencyError)) throw err;
    });
  }

  private watchDocker(): void {
    const controller = new AbortController();
    this.dockerEvents = controller;
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          for await (const ev of this.d.docker.events({ filters: { type: ['container'], label: [`${Labels.instance}=${this.d.instance}`] }, signal: controller.signal })) {
            const agentId = ev.attributes[Labels.agentId];
            if (agentId) void this.schedule(agentId);
          }
        } catch (err) {
          if (controller.signal.aborted) return;
          this.d.log.warn('docker event stream interrupted; the periodic pass still converges', { error: err });
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
  }
}
