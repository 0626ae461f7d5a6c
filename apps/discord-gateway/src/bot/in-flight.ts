import { Inject, Injectable } from '@nestjs/common';
import { JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';

/**
 * The bot's work in progress (commands being answered, notices being sent), so that a
 * shutdown lets it finish: a user gets the answer to a command the bot accepted.
 */
@Injectable()
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  constructor(@Inject(LOGGER) private readonly log: JsonLogger) {}

  track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.log.error('handling a Discord event failed', { error: err }));
    this.work.add(q);
    void q.finally(() => this.work.delete(q));
  }

  /** Resolves when everything tracked so far has settled, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.work]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
