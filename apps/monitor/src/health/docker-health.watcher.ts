import type { DockerDriver } from '@sacp/docker';
import type { JsonLogger } from '@sacp/platform';

/**
 * Follows Docker's `health_status` events for this instance's containers and calls
 * back with the container id, so a HEALTHCHECK verdict is read at once rather than at
 * the next periodic inspect. A hint only: the stream may drop events, the periodic
 * pass still reads every container. Reconnects after a failure.
 */
export class DockerHealthWatcher {
  private abort: AbortController | null = null;

  constructor(
    private readonly docker: DockerDriver,
    private readonly instance: string,
    private readonly log: JsonLogger,
  ) {}

  start(onChange: (containerId: string) => void): void {
    const abort = new AbortController();
    this.abort = abort;
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          for await (const e of this.docker.events({
            filters: { type: ['container'], event: ['health_status'], label: [`sacp.instance=${this.instance}`] },
            signal: abort.signal,
          }))
            onChange(e.actorId);
        } catch (err) {
          this.log.warn('Docker event stream failed; reconnecting', { error: err });
        }
        if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
      }
    })();
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
  }
}
