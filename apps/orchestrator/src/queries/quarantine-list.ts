import type { Pool } from 'pg';
import type { DockerDriver } from '@sacp/docker';
import type { ContainerQuarantinedDataV1, QuarantineView } from '@sacp/events';

/** Quarantined containers, newest first, with whether Docker still has each. */
export async function listQuarantine(d: { pool: Pool; docker: DockerDriver }, q: { all?: boolean; limit: number }): Promise<QuarantineView[]> {
  const { rows } = await d.pool.query<{ stream_id: string; type: string; data: Record<string, unknown>; recorded_at: Date }>(
    `select stream_id, type, data, recorded_at from events
      where stream_id in (select stream_id from streams where stream_id like 'quarantine-%' order by stream_id limit 5000)
      order by global_position`,
  );
  const byStream = new Map<string, QuarantineView>();
  for (const r of rows) {
    if (r.type === 'container.quarantined') {
      const data = r.data as unknown as ContainerQuarantinedDataV1;
      byStream.set(r.stream_id, { ...data, quarantinedAt: new Date(r.recorded_at).toISOString(), removed: null, present: false });
    } else if (r.type === 'container.quarantine_removed') {
      const v = byStream.get(r.stream_id);
      if (v) v.removed = { by: String(r.data.by), at: new Date(r.recorded_at).toISOString() };
    }
  }
  const views = [...byStream.values()]
    .filter((v) => q.all || !v.removed)
    .sort((x, y) => (x.quarantinedAt < y.quarantinedAt ? 1 : -1))
    .slice(0, q.limit);
  for (const v of views) v.present = (await d.docker.inspect(v.containerId).catch(() => null)) !== null;
  return views;
}
