import type { EventStore } from '@sacp/event-store';
import type { ContainerQuarantinedDataV1, QuarantineView } from '@sacp/events';

/** Quarantine streams read at most: each holds one container's quarantine and its removal. */
const MAX_STREAMS = 5000;

/**
 * The quarantined containers, newest first, from their `quarantine-*` streams; removed
 * ones only with `all`. `present` is left false: whether the container still exists is
 * Docker's to say.
 */
export async function readQuarantined(store: EventStore, q: { all?: boolean; limit: number }): Promise<QuarantineView[]> {
  const byStream = new Map<string, QuarantineView>();
  for (const e of await store.readStreamsByPrefix('quarantine-', MAX_STREAMS)) {
    if (e.type === 'container.quarantined') {
      const data = e.data as ContainerQuarantinedDataV1;
      byStream.set(e.streamId, { ...data, quarantinedAt: new Date(e.recordedAt).toISOString(), removed: null, present: false });
    } else if (e.type === 'container.quarantine_removed') {
      const v = byStream.get(e.streamId);
      if (v) v.removed = { by: String((e.data as { by: unknown }).by), at: new Date(e.recordedAt).toISOString() };
    }
  }
  return [...byStream.values()]
    .filter((v) => q.all || !v.removed)
    .sort((x, y) => (x.quarantinedAt < y.quarantinedAt ? 1 : -1))
    .slice(0, q.limit);
}
