import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Asks the server whether a connection may publish or subscribe to a subject: a
 * refusal arrives as an asynchronous "Permissions Violation" naming the subject, so
 * the probe flushes (the error precedes the PONG) and then looks for it.
 */
export class BusProbe {
  private readonly errors: string[] = [];

  private constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') this.errors.push(String((s as { error?: Error }).error?.message));
    })().catch(() => undefined);
  }

  static watch(nc: NatsConnection): BusProbe {
    return new BusProbe(nc);
  }

  private async refused(op: 'Publish' | 'Subscription', subject: string): Promise<boolean> {
    await this.nc.flush();
    await new Promise((r) => setTimeout(r, 20));
    return this.errors.some((e) => e.includes(`Permissions Violation for ${op} to "${subject}"`));
  }

  async canPublish(subject: string): Promise<boolean> {
    this.nc.publish(subject, '{}');
    return !(await this.refused('Publish', subject));
  }

  async canSubscribe(subject: string): Promise<boolean> {
    const sub = this.nc.subscribe(subject, { callback: () => undefined });
    const ok = !(await this.refused('Subscription', subject));
    if (!sub.isClosed()) sub.unsubscribe();
    return ok;
  }
}
