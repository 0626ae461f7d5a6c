import { type StoredEvent, type NewKnownEvent, ErrorCodes, SYSTEM_ACTOR, type EventMetadata, newEvent } from '@sacp/events';
import {
  agentNameStreamId,
  agentStreamId,
  type AgentState,
  evolveQuarantine,
  initialQuarantineState,
  planQuarantine,
  quarantineAlertKey,
  quarantinedName,
  quarantineEvent,
  quarantineStreamId,
  planReconcile,
  type ObservedContainer,
  type ReconcileAction,
  type ContainerPolicy,
  type ContainerSpec,
  buildContainerSpec,
  Labels,
  MissingSecretError,
  type Template,
  decideOperationFailure,
  DEFAULT_OPERATION_RETRY_POLICY,
  isSameFailure,
  operationAlertResolution,
  operationGate,
  type OperationRetryPolicy,
  decideAlert,
  type AlertCommand,
  alertStreamId,
  type AlertState,
  evolveAgent,
  evolveAlert,
  type EvolvableEvent,
} from '@sacp/domain';
import { guardContainerSpec } from '../templates/container-guard';
import type { DockerDriver, ContainerSummary } from '@sacp/docker';
import { ConcurrencyError, type AppendRequest, type EventStore } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';
import type { AgentLocator } from '../commands/agent-locator';
import type { AgentRegistryReader } from '../queries/agent-registry.reader';
import type { TemplateCatalog } from '../templates/template-catalog';

export interface ReconcilerDeps {
  store: EventStore;
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
  /** back-off for Docker operations that keep failing */
  retry?: OperationRetryPolicy;
  /** how long a quarantined container is kept (stopped) before it is removed */
  quarantineGraceMs: number;
  /**
   * False once this replica may no longer act as the leader (its lock lease ran out),
   * checked before every Docker operation and append, so a replica that was frozen
   * and resumes does no work before its lock's own timers have told it so.
   */
  fence?: () => boolean;
  clock?: () => Date;
}

/** Actions that call Docker and so wait for the back-off; the others only record what Docker shows. */
const DOCKER_ACTIONS = new Set<ReconcileAction['kind']>(['create', 'start', 'restart', 'stop', 'remove', 'report-missing']);

class OperationFailure extends Error {
  constructor(
    readonly operation: 'create' | 'start' | 'stop' | 'restart' | 'remove',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The leader lease ran out between two steps: stop here, quietly; the new leader carries on. */
class LeaseLost extends Error {
  constructor() {
    super('no longer the leader');
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
  /** wake-ups for the next attempt of a failing operation: rebuilt from state on every pass like `dueTimers` */
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: ReconcilerDeps) {}

  get isActive(): boolean {
    return this.active;
  }

  /** active and still holding the leader lease */
  private get live(): boolean {
    return this.active && (this.d.fence?.() ?? true);
  }

  private now(): Date {
    return this.d.clock?.() ?? new Date();
  }

  /** The labels that make a container this control plane's: managed, this instance, this event store. */
  async ownLabels(): Promise<Record<string, string>> {
    return { [Labels.managed]: 'true', [Labels.instance]: this.d.instance, [Labels.store]: await this.d.store.storeId() };
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
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
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
    if (streamId === '') return void this.fullPass().catch((err: unknown) => this.d.log.warn('reconcile pass failed', { error: err }));
    if (streamId.startsWith('agent-') && !streamId.startsWith('agent-name-')) void this.schedule(streamId.slice('agent-'.length));
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

  /**
   * Every agent the registry knows plus every container carrying this control
   * plane's labels: this instance AND this store's id. Containers of another
   * instance, of another store under the same instance name, or made before store
   * ids existed (no `sacp.store` label) are not looked at here.
   */
  async fullPass(): Promise<void> {
    const ids = new Set(await this.d.registry.activeAgentIds());
    const containers = await this.d.docker.listByLabels(await this.ownLabels());
    for (const c of containers) {
      const agentId = c.labels[Labels.agentId];
      if (agentId) ids.add(agentId);
      else if (this.live) await this.quarantine(c, null).catch((err: unknown) => this.d.log.warn('quarantine failed', { containerId: c.id, error: err }));
    }
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
    // this store's containers of the agent, and ones made before containers carried a store id (no label) so an upgrade keeps them
    const store = await this.d.store.storeId();
    const found = await this.d.docker.listByLabels({ [Labels.instance]: this.d.instance, [Labels.agentId]: state.agentId });
    return found.filter((c) => c.labels[Labels.store] === undefined || c.labels[Labels.store] === store);
  }

  async reconcileAgent(agentId: string): Promise<void> {
    for (let step = 0; step < 16 && this.live; step++) {
      const { state, events } = await this.d.agents.load(agentId);
      if (!state.exists) {
        // our labels, an agent this store never recorded (a restored backup, a crash between create and record, a hand-made copy): quarantined, never removed on sight
        for (const c of await this.d.docker.listByLabels({ ...(await this.ownLabels()), [Labels.agentId]: agentId })) if (this.live) await this.quarantine(c, agentId);
        return;
      }
      this.wakeWhenDue(state);
      const containers = await this.containersOf(state);
      const now = (this.d.clock?.() ?? new Date()).toISOString();
      const [action] = planReconcile(state, containers.map(toObserved), now);
      this.clearRetryTimer(agentId);
      if (!action) return;
      if (DOCKER_ACTIONS.has(action.kind)) {
        const gate = operationGate(state, now);
        if (!gate.go) return this.wakeForRetry(agentId, gate.until, now);
      }
      try {
        await this.execute(action, state, events[events.length - 1]!);
      } catch (err) {
        if (err instanceof LeaseLost) return void this.d.log.info('stopped reconciling: the leader lease ran out', { agentId });
        if (err instanceof ConcurrencyError) continue; // someone else changed the agent: look again
        if (err instanceof OperationFailure) return void (await this.recordFailure(state, events[events.length - 1]!, err));
        throw err;
      }
    }
  }

  private clearRetryTimer(agentId: string): void {
    const t = this.retryTimers.get(agentId);
    if (t) clearTimeout(t);
    this.retryTimers.delete(agentId);
  }

  /** The next attempt's time lives in the event store; the timer only makes it happen on time (the periodic pass is the fallback). */
  private wakeForRetry(agentId: string, until: string | null, now: string): void {
    if (!until) return; // gave up: an operator's command wakes the agent
    this.retryTimers.set(
      agentId,
      setTimeout(
        () => {
          this.retryTimers.delete(agentId);
          if (this.active) void this.schedule(agentId);
        },
        Math.max(0, Date.parse(until) - Date.parse(now)) + 5,
      ),
    );
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
    if (!this.live) throw new LeaseLost();
    const metadata = this.metadata(cause);
    const after = events.reduce((s, e) => evolveAgent(s, { ...e, metadata }), state);
    const resolution = operationAlertResolution(state, after);
    if (resolution) more = [...more, ...(await this.alertAppends({ type: 'resolve', ...resolution }))];
    await this.d.store.append([{ streamId: agentStreamId(state.agentId), expectedVersion: state.version, events }, ...more], metadata);
  }

  private async alertAppends(command: AlertCommand): Promise<AppendRequest[]> {
    const key = command.type === 'raise' ? command.alert.key : command.key;
    const alertEvents = await this.d.store.readStream(alertStreamId(key));
    const alertState = alertEvents.reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), { open: false, version: 0 } as AlertState);
    return decideAlert(command, alertState).appends;
  }

  private async docker<T>(operation: OperationFailure['operation'], fn: () => Promise<T>): Promise<T> {
    if (!this.live) throw new LeaseLost(); // checked right before each Docker call: a replica that resumes from a freeze starts none
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new OperationFailure(operation, e.code ?? ErrorCodes.DOCKER_OPERATION_FAILED, e.message ?? String(err));
    }
  }

  private async execute(action: ReconcileAction, state: AgentState, cause: StoredEvent): Promise<void> {
    if (!this.live) return;
    const agentId = state.agentId;
    const e = newEvent;
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
          spec = buildContainerSpec({ agentId, name: state.name, generation: state.generation, template: state.template! }, template, {
            instance: this.d.instance,
            store: await this.d.store.storeId(),
            secrets,
          });
        } catch (err) {
          if (err instanceof MissingSecretError) throw new OperationFailure('create', ErrorCodes.SECRET_NOT_FOUND, err.message);
          throw err;
        }
        const guarded = await this.docker('create', () => guardContainerSpec(spec, this.d.policy, this.d.docker));
        const violations = guarded.violations;
        spec = guarded.spec;
        if (violations.length)
          throw new OperationFailure('create', ErrorCodes.POLICY_VIOLATION, `container refused by policy: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
        const own = await this.ownLabels();
        const labels = { ...own, [Labels.agentId]: agentId };
        for (const m of spec.mounts) if (m.type === 'volume' && m.source) await this.docker('create', () => this.d.docker.ensureVolume(m.source!, labels));
        if (spec.networkMode !== 'bridge') await this.docker('create', () => this.d.docker.ensureNetwork(spec.networkMode, own));
        const created = await this.docker('create', () => this.d.docker.createContainer(spec));
        this.d.log.info('container created', { agentId, name: state.name, containerId: created.id, existed: !created.created });
        return this.record(state, cause, [e('agent.container_created', { agentId, containerId: created.id, containerName: created.name, generation: state.generation })]);
      }
      case 'record-created':
        return this.record(state, cause, [
          e('agent.container_created', { agentId, containerId: action.containerId, containerName: action.containerName, generation: state.generation }),
        ]);
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

  /**
   * One event per failed attempt, with the back-off's count and next attempt; none on
   * the passes in between. At the limit, a critical alert in the same append.
   */
  private async recordFailure(state: AgentState, cause: StoredEvent, failure: OperationFailure): Promise<void> {
    const now = (this.d.clock?.() ?? new Date()).toISOString();
    const policy = this.d.retry ?? DEFAULT_OPERATION_RETRY_POLICY;
    const failureData = { operation: failure.operation, code: failure.code, message: failure.message };
    const decision = decideOperationFailure(state, failureData, now, policy);
    if (!decision.events.length) return;
    const log = decision.alert ? this.d.log.error.bind(this.d.log) : this.d.log.warn.bind(this.d.log);
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
    const more = decision.alert ? await this.alertAppends({ type: 'raise', alert: decision.alert }) : [];
    try {
      await this.record(state, cause, decision.events, more);
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // the agent changed meanwhile (an operator's command): the next pass looks again
      return;
    }
    if (decision.nextAttemptAt) this.wakeForRetry(state.agentId, decision.nextAttemptAt, now);
  }

  /**
   * A container with this control plane's own labels that no agent in the store
   * owns. First sight: stopped (not removed), renamed `sacp-quarantined-…` so it
   * shows in `docker ps -a` (Docker cannot relabel a container), recorded on its own
   * stream and alerted. After the grace period (SACP_QUARANTINE_GRACE_MS) it is
   * removed; `sacp quarantine rm` removes it sooner.
   */
  private async quarantine(c: ContainerSummary, agentId: string | null): Promise<void> {
    const streamId = quarantineStreamId(c.id);
    const state = (await this.d.store.readStream(streamId)).reduce(evolveQuarantine, initialQuarantineState());
    const now = this.now();
    const step = planQuarantine(state, now.toISOString());
    if (step.kind === 'wait' || step.kind === 'none' || !this.live) return;
    const key = quarantineAlertKey(c.id);
    const alertState = (await this.d.store.readStream(alertStreamId(key))).reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), {
      open: false,
      version: 0,
    } as AlertState);
    const meta: EventMetadata = {
      commandId: null,
      correlationId: streamId,
      causationId: null,
      actor: SYSTEM_ACTOR,
      source: 'orchestrator:reconcile',
      reason: null,
      occurredAt: now.toISOString(),
    };
    if (step.kind === 'remove') {
      if (!this.live) return;
      await this.d.docker.remove(c.id, { force: true });
      this.d.log.warn('quarantined container removed after its grace period', { containerId: c.id, name: c.name });
      if (state.removed) return;
      const resolve = decideAlert({ type: 'resolve', key, agentId: null, message: `container ${c.name} was removed: its quarantine grace period ended` }, alertState);
      await this.d.store.append(
        [
          {
            streamId,
            expectedVersion: state.version,
            events: [newEvent('container.quarantine_removed', { containerId: c.id, containerName: c.name, by: step.by })],
          },
          ...resolve.appends,
        ],
        meta,
      );
      return;
    }
    const store = await this.d.store.storeId();
    if (!this.live) return;
    if (c.running || c.state === 'restarting' || c.state === 'paused') await this.d.docker.stop(c.id, 10);
    const renamed = quarantinedName(c.name);
    if (renamed !== c.name)
      await this.d.docker
        .rename(c.id, renamed)
        .catch((err: Error) => this.d.log.warn('could not rename the quarantined container; it keeps its name', { containerId: c.id, error: err.message }));
    // the grace period counts from when it stopped (a stop may take its whole timeout)
    const stoppedAt = this.now();
    meta.occurredAt = stoppedAt.toISOString();
    const removeAfter = new Date(stoppedAt.getTime() + this.d.quarantineGraceMs).toISOString();
    const reason = agentId
      ? `it carries this control plane's labels (instance ${this.d.instance}, store ${store}) for agent ${agentId}, which the event store does not know`
      : `it carries this control plane's labels (instance ${this.d.instance}, store ${store}) but names no agent`;
    const raise = decideAlert(
      {
        type: 'raise',
        alert: {
          key,
          severity: 'warning',
          agentId: null,
          agentName: null,
          cause: 'container_quarantined',
          message: `container ${c.name} (${c.id.slice(0, 12)}, image ${c.image}) was stopped and quarantined as ${renamed}: ${reason}. It is removed after ${removeAfter}; \`sacp quarantine rm ${c.id.slice(0, 12)}\` removes it now.`,
          lastLogLines: [],
        },
      },
      alertState,
    );
    this.d.log.warn('container quarantined', { containerId: c.id, name: c.name, renamed, agentId, removeAfter });
    await this.d.store
      .append(
        [
          {
            streamId,
            expectedVersion: 0,
            events: [quarantineEvent({ containerId: c.id, containerName: c.name, quarantinedName: renamed, agentId, image: c.image, reason, removeAfter })],
          },
          ...raise.appends,
        ],
        meta,
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConcurrencyError)) throw err;
      });
  }

  private watchDocker(): void {
    const controller = new AbortController();
    this.dockerEvents = controller;
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          const store = await this.d.store.storeId();
          const label = [`${Labels.instance}=${this.d.instance}`, `${Labels.store}=${store}`];
          for await (const ev of this.d.docker.events({ filters: { type: ['container'], label }, signal: controller.signal })) {
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
