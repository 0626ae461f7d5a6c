import type { PoolClient } from 'pg';
import type { StoredEvent, TemplateVersionRegisteredDataV1 } from '@sacp/events';
import type { Projection } from './projection';

/** The latest registered version of each template. */
export const templateRegistryProjection: Projection = {
  name: 'template_registry',
  tables: ['template_registry'],
  async applyBatch(client: PoolClient, events: StoredEvent[]): Promise<void> {
    const latest = new Map<string, { data: TemplateVersionRegisteredDataV1; at: string }>();
    for (const e of events) {
      if (e.type !== 'template.version_registered') continue;
      const data = e.data as TemplateVersionRegisteredDataV1;
      latest.set(data.name, { data, at: e.metadata.occurredAt });
    }
    for (const { data, at } of latest.values()) {
      await client.query(
        `insert into template_registry (name, version, hash, file, definition, updated_at) values ($1, $2, $3, $4, $5, $6)
         on conflict (name) do update set version = excluded.version, hash = excluded.hash, file = excluded.file,
           definition = excluded.definition, updated_at = excluded.updated_at
         where template_registry.version < excluded.version`,
        [data.name, data.version, data.hash, data.file, JSON.stringify(data.definition), at],
      );
    }
  },
};
