import { Metrics, timed, withLogContext } from '@sacp/platform';
import type { JsonLogger } from '@sacp/platform';

/** The monitor's passes, as `sacp_monitor_pass_duration_seconds{pass}` and the `monitorPass` field of their log lines name them. */
export type MonitorPass = 'health' | 'resources' | 'thresholds' | 'idle' | 'recovery' | 'log-retention';

/** Runs one pass: timed into sacp_monitor_pass_duration_seconds, its log lines marked with the pass. */
export function runPass<T>(pass: MonitorPass, work: () => Promise<T> | T): Promise<T> {
  return withLogContext({ monitorPass: pass }, () => timed(Metrics.monitorPassDuration, { pass }, async () => work()));
}

/**
 * Runs `work` every `everyMs` while `when()` holds (the leader's loops run on the
 * elected replica only), never two at once: the next wait starts when a run ends. A
 * failed run is logged and the loop goes on.
 */
export class PassLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly pass: MonitorPass,
    private readonly everyMs: number,
    private readonly when: () => boolean,
    private readonly work: () => unknown,
    private readonly log: JsonLogger,
  ) {}

  /** `now`: the first run at once rather than after one interval */
  start(options: { now?: boolean } = {}): void {
    if (this.running) return;
    this.running = true;
    this.schedule(options.now ? 0 : this.everyMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs = this.everyMs): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      const run = this.when() ? runPass(this.pass, this.work).catch((err: unknown) => this.log.warn('a monitor pass failed', { pass: this.pass, error: err })) : Promise.resolve();
      void run.then(() => {
        if (this.running) this.schedule();
      });
    }, delayMs);
  }
}
