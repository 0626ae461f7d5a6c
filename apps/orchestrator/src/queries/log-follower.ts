import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { DockerDriver } from '@sacp/docker';
import { truncateLine, type LogLine } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER, NATS } from '@sacp/platform/nest';

/** How long a followed log stream lives without a keep-alive from its reader. */
export const FOLLOW_LEASE_MS = 30_000;

/**
 * Streams a container's log lines to a subject until the reader sends anything to
 * `<subject>.stop`, stops renewing its lease on `<subject>.alive`, or the container
 * stops. The stream ends with an empty message carrying header-free JSON
 * `{ "end": true }`; on shutdown every stream ends that way.
 */
@Injectable()
export class LogFollower implements OnModuleDestroy {
  private readonly follows = new Set<AbortController>();

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly docker: DockerDriver,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  follow(containerId: string, subject: string, tail: number): void {
    const controller = new AbortController();
    this.follows.add(controller);
    let lease = setTimeout(() => controller.abort(), FOLLOW_LEASE_MS);
    const control = this.nc.subscribe(`${subject}.*`, {
      callback: (_err, msg) => {
        if (msg.subject.endsWith('.stop')) controller.abort();
        else {
          clearTimeout(lease);
          lease = setTimeout(() => controller.abort(), FOLLOW_LEASE_MS);
        }
      },
    });
    void (async () => {
      try {
        for await (const line of this.docker.followLogs(containerId, { tail, signal: controller.signal }) as AsyncIterable<LogLine>) {
          const t = truncateLine(line.line);
          this.nc.publish(subject, JSON.stringify(t.cutBytes ? { ...line, line: t.line } : line));
        }
      } catch (err) {
        if (!controller.signal.aborted) this.log.warn('log follow ended with an error', { containerId, error: err });
      } finally {
        clearTimeout(lease);
        control.unsubscribe();
        this.follows.delete(controller);
        this.nc.publish(subject, JSON.stringify({ end: true }));
      }
    })();
  }

  onModuleDestroy(): void {
    for (const c of this.follows) c.abort();
  }
}
