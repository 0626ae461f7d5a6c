import { Inject, Injectable } from '@nestjs/common';
import { Labels } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { EventStore } from '@sacp/event-store';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';

/**
 * Docker's event stream for this control plane's containers, as hints: each event
 * names an agent to look at now. The stream keeps 256 events and drops slow readers,
 * so it is never the truth; when it breaks, it is opened again and the periodic pass
 * converges meanwhile.
 */
@Injectable()
export class DockerWatch {
  private controller: AbortController | null = null;

  constructor(
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  start(onAgent: (agentId: string) => void): void {
    const controller = new AbortController();
    this.controller = controller;
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          const store = await this.store.storeId();
          const label = [`${Labels.instance}=${this.config.SACP_INSTANCE}`, `${Labels.store}=${store}`];
          for await (const ev of this.docker.events({ filters: { type: ['container'], label }, signal: controller.signal })) {
            const agentId = ev.attributes[Labels.agentId];
            if (agentId) onAgent(agentId);
          }
        } catch (err) {
          if (controller.signal.aborted) return;
          this.log.warn('docker event stream interrupted; the periodic pass still converges', { error: err });
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
  }

  stop(): void {
    this.controller?.abort();
    this.controller = null;
  }
}
