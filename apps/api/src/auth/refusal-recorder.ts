import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@sacp/bus';
import type { Role } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { actorOf, type Principal } from './principal';

/** The same refusal (who, what) is recorded once per this long: a client retrying in a loop does not flood the trail. */
const REPEAT_MS = 10_000;
/** How many recent refusals are remembered for that (the oldest are forgotten first). */
const REMEMBERED = 1000;

/**
 * Records in the audit trail that the API refused a change for want of a role
 * (`access.refuse`, like the Discord bot): who, what they asked, the role needed and
 * the one they hold. Sent without waiting: the caller gets their 403 at once.
 */
@Injectable()
export class RefusalRecorder {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly bus: BusClient,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  record(p: Principal, what: { method: string; route: string; params: Record<string, string> }, needed: Role): void {
    const command = `${what.method} ${what.route}`.slice(0, 100);
    const key = `${p.kind}:${p.id} ${command}`;
    const now = Date.now();
    if ((this.recent.get(key) ?? 0) > now - REPEAT_MS) return;
    this.recent.delete(key);
    this.recent.set(key, now);
    if (this.recent.size > REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    const args = Object.fromEntries(Object.entries(what.params).map(([k, v]) => [k.slice(0, 50), String(v).slice(0, 200)]));
    const message = `${command} needs the ${needed} role; ${p.name} has ${p.role}`.slice(0, 500);
    this.bus
      .send('access.refuse', { command, arguments: args, required: needed, held: p.role, message }, { actor: actorOf(p), source: 'api' })
      .then((reply) => {
        if (!reply.ok) this.log.warn('could not record a refusal in the audit trail', { code: reply.error.code, error: reply.error.message });
      })
      .catch((err: unknown) => this.log.warn('could not record a refusal in the audit trail', { error: (err as Error).message }));
  }
}
