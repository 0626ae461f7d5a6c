import { Inject, Injectable } from '@nestjs/common';
import {
  alertStreamId,
  decideAlert,
  evolveAlert,
  evolveQuarantine,
  initialQuarantineState,
  planQuarantine,
  quarantineAlertKey,
  quarantinedName,
  quarantineEvent,
  quarantineStreamId,
  type AlertState,
  type EvolvableEvent,
} from '@sacp/domain';
import { DockerDriver, type ContainerSummary } from '@sacp/docker';
import { ConcurrencyError, EventStore } from '@sacp/event-store';
import { newEvent, SYSTEM_ACTOR, type EventMetadata } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import type { Live } from './reconcile-errors';

/**
 * A container with this control plane's own labels that no agent in the store
 * owns. First sight: stopped (not removed), renamed `sacp-quarantined-…` so it
 * shows in `docker ps -a` (Docker cannot relabel a container), recorded on its own
 * stream and alerted. After the grace period (SACP_QUARANTINE_GRACE_MS) it is
 * removed; `sacp quarantine rm` removes it sooner.
 */
/** How long a container may stay created and not started before it is taken as left like that. */
const BEING_MADE_MS = 10_000;

/** Running, or about to run again: what a quarantined container must not be. */
const running = (c: ContainerSummary) => c.running || c.state === 'restarting' || c.state === 'paused';

@Injectable()
export class Quarantine {
  constructor(
    private readonly store: EventStore,
    private readonly docker: DockerDriver,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async take(live: Live, c: ContainerSummary, agentId: string | null): Promise<void> {
    const streamId = quarantineStreamId(c.id);
    const state = (await this.store.readStream(streamId)).reduce(evolveQuarantine, initialQuarantineState());
    const now = new Date();
    const step = planQuarantine(state, now.toISOString());
    if (step.kind === 'none' || !live()) return;
    // created moments ago and not started: its maker (a person, a tool, our own create cut short) is still at it; the next pass looks again
    if (step.kind === 'quarantine' && c.state === 'created' && now.getTime() - Date.parse(c.createdAt) < BEING_MADE_MS) return;
    if (step.kind === 'wait') {
      // quarantined means stopped: one started again (by hand, by a tool) is stopped again
      if (running(c)) {
        await this.docker.stop(c.id, 10);
        this.log.warn('a quarantined container was running; stopped it again', { containerId: c.id, name: c.name });
      }
      return;
    }
    const key = quarantineAlertKey(c.id);
    const alertState = (await this.store.readStream(alertStreamId(key))).reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), {
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
      if (!live()) return;
      await this.docker.remove(c.id, { force: true });
      this.log.warn('quarantined container removed after its grace period', { containerId: c.id, name: c.name });
      if (state.removed) return;
      const resolve = decideAlert({ type: 'resolve', key, agentId: null, message: `container ${c.name} was removed: its quarantine grace period ended` }, alertState);
      await this.store.append(
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
    const store = await this.store.storeId();
    if (!live()) return;
    if (running(c)) await this.docker.stop(c.id, 10);
    const renamed = quarantinedName(c.name);
    if (renamed !== c.name)
      await this.docker
        .rename(c.id, renamed)
        .catch((err: Error) => this.log.warn('could not rename the quarantined container; it keeps its name', { containerId: c.id, error: err.message }));
    // the grace period counts from when it stopped (a stop may take its whole timeout)
    const stoppedAt = new Date();
    meta.occurredAt = stoppedAt.toISOString();
    const removeAfter = new Date(stoppedAt.getTime() + this.config.SACP_QUARANTINE_GRACE_MS).toISOString();
    const reason = agentId
      ? `it carries this control plane's labels (instance ${this.config.SACP_INSTANCE}, store ${store}) for agent ${agentId}, which the event store does not know`
      : `it carries this control plane's labels (instance ${this.config.SACP_INSTANCE}, store ${store}) but names no agent`;
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
    this.log.warn('container quarantined', { containerId: c.id, name: c.name, renamed, agentId, removeAfter });
    await this.store
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
}
