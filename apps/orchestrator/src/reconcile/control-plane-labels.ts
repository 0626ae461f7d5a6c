import { Inject, Injectable } from '@nestjs/common';
import { Labels } from '@sacp/domain';
import { EventStore } from '@sacp/event-store';
import { CONFIG } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';

/** The labels that make a container this control plane's: managed, this instance, this event store. */
@Injectable()
export class ControlPlaneLabels {
  constructor(
    private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  get instance(): string {
    return this.config.SACP_INSTANCE;
  }

  async own(): Promise<Record<string, string>> {
    return { [Labels.managed]: 'true', [Labels.instance]: this.config.SACP_INSTANCE, [Labels.store]: await this.store.storeId() };
  }
}
