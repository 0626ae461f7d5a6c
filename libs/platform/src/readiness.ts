/** One dependency probe: resolves when the dependency answers, throws (or returns a reason) when not. */
export type ReadinessCheck = () => unknown; // a value or a Promise of one

/** What a service adds to the shared readiness check. */
export interface ServiceReadiness {
  probes?: Record<string, ReadinessCheck>;
  details?: () => Record<string, unknown>;
}

export interface Readiness {
  ready: boolean;
  /** per dependency: "ok", or why it is not ready */
  checks: Record<string, string>;
}

/**
 * Runs every probe in parallel, each bounded by `timeoutMs`, so one hung dependency
 * turns the answer into "not ready" instead of a hung health endpoint. A probe that
 * returns a string other than "ok" reports that string as its reason.
 */
export async function checkReadiness(probes: Record<string, ReadinessCheck>, timeoutMs = 2000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
      });
      const run = (async () => {
        try {
          const result = await probe();
          return typeof result === 'string' ? result : 'ok';
        } catch (err) {
          return (err as Error)?.message || String(err);
        }
      })();
      try {
        return [name, await Promise.race([run, timeout])] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  return { ready: entries.every(([, v]) => v === 'ok'), checks };
}
