import { Injectable } from '@nestjs/common';
import {
  agentStreamId,
  alertStreamId,
  decideAlert,
  evolveAgent,
  evolveAlert,
  operationAlertResolution,
  type AgentState,
  type AlertCommand,
  type AlertState,
  type EvolvableEvent,
} from '@sacp/domain';
import { EventStore, type AppendRequest } from '@sacp/event-store';
import { SYSTEM_ACTOR, type EventMetadata, type NewKnownEvent, type StoredEvent } from '@sacp/events';
import { LeaseLost, type Live } from './reconcile-errors';

/**
 * Appends what the reconciler saw or did to an agent's stream, as the system, caused
 * by the agent's last event; an operation alert the new state settles is resolved in
 * the same append. Nothing is appended once the lease is lost.
 */
@Injectable()
export class AgentRecorder {
  constructor(private readonly store: EventStore) {}

  metadata(cause: StoredEvent): EventMetadata {
    return {
      commandId: null,
      correlationId: cause.metadata.correlationId,
      causationId: cause.eventId,
      actor: SYSTEM_ACTOR,
      source: 'orchestrator:reconcile',
      reason: null,
      occurredAt: new Date().toISOString(),
    };
  }

  async record(live: Live, state: AgentState, cause: StoredEvent, events: NewKnownEvent[], more: AppendRequest[] = []): Promise<void> {
    if (!live()) throw new LeaseLost();
    const metadata = this.metadata(cause);
    const after = events.reduce((s, e) => evolveAgent(s, { ...e, metadata }), state);
    const resolution = operationAlertResolution(state, after);
    if (resolution) more = [...more, ...(await this.alertAppends({ type: 'resolve', ...resolution }))];
    await this.store.append([{ streamId: agentStreamId(state.agentId), expectedVersion: state.version, events }, ...more], metadata);
  }

  async alertAppends(command: AlertCommand): Promise<AppendRequest[]> {
    const key = command.type === 'raise' ? command.alert.key : command.key;
    const alertEvents = await this.store.readStream(alertStreamId(key));
    const alertState = alertEvents.reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), { open: false, version: 0 } as AlertState);
    return decideAlert(command, alertState).appends;
  }
}
