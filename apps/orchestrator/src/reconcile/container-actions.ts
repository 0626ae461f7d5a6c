import { Inject, Injectable } from '@nestjs/common';
import { agentNameStreamId, buildContainerSpec, MissingSecretError, type AgentState, type ContainerPolicy, type ContainerSpec, type ReconcileAction } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { EventStore, type AppendRequest } from '@sacp/event-store';
import { ErrorCodes, newEvent, type NewKnownEvent, type StoredEvent } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { AgentBus } from '../agent-bus/agent-bus';
import { AgentLocator } from '../commands/agent-locator';
import { SecretStore } from '../secrets/secret-store';
import { guardContainerSpec } from '../templates/container-guard';
import { TemplateCatalog } from '../templates/template-catalog';
import { POLICY } from '../tokens';
import { AgentVolumes } from '../volumes/agent-volumes';
import { AgentRecorder } from './agent-recorder';
import { ControlPlaneLabels } from './control-plane-labels';
import { LeaseLost, OperationFailure, type Live } from './reconcile-errors';

const e = newEvent;

/**
 * Carries out one step the plan chose for an agent: the Docker operation, then the
 * event that records it. A Docker failure becomes an OperationFailure (recorded with
 * back-off by the caller); the lease is checked right before each Docker call.
 */
@Injectable()
export class ContainerActions {
  constructor(
    private readonly docker: DockerDriver,
    private readonly catalog: TemplateCatalog,
    private readonly secrets: SecretStore,
    private readonly agents: AgentLocator,
    private readonly store: EventStore,
    private readonly labels: ControlPlaneLabels,
    private readonly recorder: AgentRecorder,
    private readonly volumes: AgentVolumes,
    private readonly agentBus: AgentBus,
    @Inject(POLICY) private readonly policy: ContainerPolicy,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async execute(live: Live, action: ReconcileAction, state: AgentState, cause: StoredEvent): Promise<void> {
    if (!live()) return;
    const agentId = state.agentId;
    const record = (events: NewKnownEvent[], more?: AppendRequest[]) => this.recorder.record(live, state, cause, events, more);
    const docker = <T>(operation: OperationFailure['operation'], fn: () => Promise<T>) => this.dockerCall(live, operation, fn);
    switch (action.kind) {
      case 'create': {
        const created = await this.create(live, state);
        return record([e('agent.container_created', { agentId, containerId: created.id, containerName: created.name, generation: state.generation })]);
      }
      case 'record-created':
        return record([e('agent.container_created', { agentId, containerId: action.containerId, containerName: action.containerName, generation: state.generation })]);
      case 'start':
        await docker('start', () => this.docker.start(action.containerId));
        this.log.info('container started', { agentId, name: state.name, containerId: action.containerId });
        return record([e('agent.container_started', { agentId, containerId: action.containerId })]);
      case 'record-started':
        return record([e('agent.container_started', { agentId, containerId: action.containerId })]);
      case 'restart': {
        const timeout = await this.stopTimeout(state);
        if (action.containerId) await docker('restart', () => this.docker.restart(action.containerId, timeout));
        this.log.info('container restarted', { agentId, name: state.name, containerId: action.containerId });
        return record([e('agent.container_restarted', { agentId, containerId: action.containerId, restartSeq: action.restartSeq })]);
      }
      case 'stop': {
        await docker('stop', async () => this.docker.stop(action.containerId, await this.stopTimeout(state)));
        const after = await this.docker.inspect(action.containerId);
        this.log.info('container stopped', { agentId, name: state.name, containerId: action.containerId });
        return record([e('agent.container_stopped', { agentId, containerId: action.containerId, exitCode: after?.exitCode ?? null })]);
      }
      case 'record-stopped':
        return record([e('agent.container_stopped', { agentId, containerId: action.containerId, exitCode: action.exitCode })]);
      case 'record-exited':
        this.log.warn('container exited on its own', { agentId, name: state.name, exitCode: action.exitCode, oomKilled: action.oomKilled });
        return record([
          e('agent.container_exited', { agentId, containerId: action.containerId, exitCode: action.exitCode, oomKilled: action.oomKilled, finishedAt: action.finishedAt }),
        ]);
      case 'record-vanished':
        this.log.warn('container vanished', { agentId, name: state.name, containerId: action.containerId });
        return record([e('agent.container_removed', { agentId, containerId: action.containerId })]);
      case 'remove':
        await docker('remove', () => this.docker.remove(action.containerId, { force: true }));
        this.log.info('container removed', { agentId, name: state.name, containerId: action.containerId, why: action.why });
        return record([e('agent.container_removed', { agentId, containerId: action.containerId })]);
      case 'finish-removal': {
        const nameState = await this.agents.loadName(state.name);
        const release: AppendRequest[] =
          nameState.holder === agentId
            ? [{ streamId: agentNameStreamId(state.name), expectedVersion: nameState.version, events: [e('agent.name_released', { name: state.name, agentId })] }]
            : [];
        // the volumes go only when the removal asked for them (`rm --volumes`); kept, they are listed as orphaned
        const volumes = state.removeVolumes ? await docker('remove', () => this.volumes.removeAll(state)) : [];
        await this.forgetBusCredential(agentId);
        this.log.info('agent removed', { agentId, name: state.name, volumesRemoved: volumes.length });
        return record([e('agent.removed', { agentId, name: state.name })], [...release, ...volumes]);
      }
      case 'report-missing':
        throw new OperationFailure('start', ErrorCodes.CONTAINER_NOT_FOUND, action.why);
    }
  }

  /** The agent's container for its current generation: secrets resolved, spec built and held to the policy, volumes and network made first. */
  private async create(live: Live, state: AgentState): Promise<{ id: string; name: string }> {
    const agentId = state.agentId;
    const template = await this.catalog.definitionAt(state.template!.name, state.template!.version);
    let secrets: Record<string, string>;
    try {
      secrets = await this.secrets.resolveFor(template);
    } catch (err) {
      throw new OperationFailure('create', (err as { code?: string }).code ?? ErrorCodes.SECRET_NOT_FOUND, (err as Error).message);
    }
    let spec: ContainerSpec;
    try {
      spec = buildContainerSpec({ agentId, name: state.name, generation: state.generation, template: state.template! }, template, {
        instance: this.labels.instance,
        store: await this.store.storeId(),
        secrets,
      });
    } catch (err) {
      if (err instanceof MissingSecretError) throw new OperationFailure('create', ErrorCodes.SECRET_NOT_FOUND, err.message);
      throw err;
    }
    const guarded = await this.dockerCall(live, 'create', () => guardContainerSpec(spec, this.policy, this.docker));
    const violations = guarded.violations;
    spec = guarded.spec;
    if (violations.length)
      throw new OperationFailure('create', ErrorCodes.POLICY_VIOLATION, `container refused by policy: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
    const own = await this.labels.own();
    for (const m of spec.mounts) await this.dockerCall(live, 'create', () => this.volumes.ensure(state, m));
    if (spec.networkMode !== 'bridge') await this.dockerCall(live, 'create', () => this.docker.ensureNetwork(spec.networkMode, own));
    // the agent's own bus credential, in its environment only (never in the spec's labels, an event or a log)
    spec = { ...spec, env: { ...spec.env, ...(await this.busEnv(agentId, spec.networkMode)) } };
    const created = await this.dockerCall(live, 'create', () => this.docker.createContainer(spec));
    this.log.info('container created', { agentId, name: state.name, containerId: created.id, existed: !created.created });
    return created;
  }

  private async busEnv(agentId: string, networkMode: string): Promise<Record<string, string>> {
    try {
      return await this.agentBus.envFor(agentId, networkMode);
    } catch (err) {
      throw new OperationFailure('create', ErrorCodes.BUS_UNAVAILABLE, `the agent's bus credential: ${(err as Error).message}`);
    }
  }

  private async forgetBusCredential(agentId: string): Promise<void> {
    try {
      await this.agentBus.forget(agentId);
    } catch (err) {
      throw new OperationFailure('remove', ErrorCodes.BUS_UNAVAILABLE, `removing the agent's bus credential: ${(err as Error).message}`);
    }
  }

  private async dockerCall<T>(live: Live, operation: OperationFailure['operation'], fn: () => Promise<T>): Promise<T> {
    if (!live()) throw new LeaseLost(); // checked right before each Docker call: a replica that resumes from a freeze starts none
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new OperationFailure(operation, e.code ?? ErrorCodes.DOCKER_OPERATION_FAILED, e.message ?? String(err));
    }
  }

  private async stopTimeout(state: AgentState): Promise<number> {
    if (!state.template) return 10;
    return (await this.catalog.definitionAt(state.template.name, state.template.version)).stopTimeoutSeconds;
  }
}
