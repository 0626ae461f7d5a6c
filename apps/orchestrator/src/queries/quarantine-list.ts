import type { DockerDriver } from '@sacp/docker';
import type { QuarantineView } from '@sacp/events';
import type { EventStore } from '@sacp/event-store';
import { readQuarantined } from './quarantine.reader';

/** Quarantined containers, newest first, with whether Docker still has each. */
export async function listQuarantine(d: { store: EventStore; docker: DockerDriver }, q: { all?: boolean; limit: number }): Promise<QuarantineView[]> {
  const views = await readQuarantined(d.store, { all: q.all, limit: q.limit });
  for (const v of views) v.present = (await d.docker.inspect(v.containerId).catch(() => null)) !== null;
  return views;
}
