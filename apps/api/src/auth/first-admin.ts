import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BusClient } from '@sacp/bus';
import type { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { ApiConfig } from '../config';

const RETRY_MS = 3000;

/**
 * The first admin from the environment: with SACP_ADMIN_USER and
 * SACP_ADMIN_PASSWORD_FILE set, the API adds that admin (a `user.add` command) on
 * start when no user exists yet, trying again until the orchestrator answers. Every
 * replica may try at once: the command id is the same for all, so it is carried out
 * once. (Otherwise the first admin comes from `sacp user add NAME --admin`.)
 */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly bus: BusClient,
    @Inject(CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SACP_ADMIN_USER && this.config.SACP_ADMIN_PASSWORD_FILE) void this.attempt();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    const name = this.config.SACP_ADMIN_USER!;
    const file = this.config.SACP_ADMIN_PASSWORD_FILE!;
    let password: string;
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      this.log.error('cannot read SACP_ADMIN_PASSWORD_FILE; no first admin added', { file, error: (err as Error).message });
      return;
    }
    const users = await this.bus.query('user.list', {});
    if (users.ok && users.result.length > 0) return;
    if (users.ok) {
      const actor = { kind: 'api' as const, id: 'first-admin', displayName: 'first admin (SACP_ADMIN_USER)' };
      const reply = await this.bus.send('user.add', { name, role: 'admin', password }, { actor, source: 'api:first-admin', commandId: `api:first-admin:${name}` });
      if (reply.ok) return this.log.info('first admin added', { user: name, duplicate: reply.duplicate });
      this.log.error('the first admin was refused; fix SACP_ADMIN_USER or the password file', { user: name, code: reply.error.code, error: reply.error.message });
      if (!reply.error.code.startsWith('BUS.')) return;
    } else this.log.warn('cannot list users yet; trying again', { code: users.error.code, everyMs: RETRY_MS });
    if (!this.stopped) this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
  }
}
