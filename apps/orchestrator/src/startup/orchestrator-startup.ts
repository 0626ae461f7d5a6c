import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DockerDriver } from '@sacp/docker';
import { ConcurrencyError, EventStore } from '@sacp/event-store';
import { SYSTEM_ACTOR } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import { syncTemplates } from '../commands/system.use-cases';
import type { OrchestratorConfig } from '../config';
import { TemplateCatalog } from '../templates/template-catalog';

/**
 * What must hold before the orchestrator does anything: the event store's id (it
 * labels every container the store manages; without it nothing can be told apart, so
 * start-up fails here) and the template files on disk recorded as versions. Runs
 * while the module initialises, so before any role starts or any request is served.
 */
@Injectable()
export class OrchestratorStartup implements OnModuleInit, OnApplicationBootstrap {
  private storeId = '';

  constructor(
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    private readonly catalog: TemplateCatalog,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.docker
      .ping(3000)
      .catch((err: Error) => this.log.error('Docker is not usable; agents cannot be started until it is', { error: err.message, code: (err as { code?: string }).code }));
    this.storeId = await this.store.storeId();
    await this.registerTemplates();
  }

  onApplicationBootstrap(): void {
    this.log.info('orchestrator ready', { instance: this.config.SACP_INSTANCE, store: this.storeId });
  }

  /** Template files seen at start-up are recorded as versions, by the system. */
  private async registerTemplates(): Promise<void> {
    try {
      const outcome = await syncTemplates({ catalog: this.catalog });
      const problems = (outcome.result.problems as { file: string; field: string; message: string }[]) ?? [];
      for (const p of problems) this.log.warn('template file is invalid and was not registered', { ...p });
      if (!outcome.appends.length) return;
      const now = new Date().toISOString();
      await this.store.append(outcome.appends, {
        commandId: null,
        correlationId: `startup-${now}`,
        causationId: null,
        actor: SYSTEM_ACTOR,
        source: 'orchestrator:startup',
        reason: 'template files changed',
        occurredAt: now,
      });
      this.log.info('template versions registered', { registered: outcome.result.registered });
    } catch (err) {
      if (err instanceof ConcurrencyError) return; // another replica registered them first
      throw err;
    }
  }
}
