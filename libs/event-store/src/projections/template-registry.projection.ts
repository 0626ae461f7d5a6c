import type { EntityManager } from 'typeorm';
import type { StoredEvent, TemplateVersionRegisteredDataV1 } from '@sacp/events';
import { TemplateRegistryRepository } from '../repositories/template-registry.repository';
import type { Projection } from './projection';

const registry = new TemplateRegistryRepository();

/** The latest registered version of each template. */
export const templateRegistryProjection: Projection = {
  name: 'template_registry',
  clear: (tx) => registry.clear(tx),
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const latest = new Map<string, { data: TemplateVersionRegisteredDataV1; at: string }>();
    for (const e of events) {
      if (e.type !== 'template.version_registered') continue;
      const data = e.data as TemplateVersionRegisteredDataV1;
      latest.set(data.name, { data, at: e.metadata.occurredAt });
    }
    for (const { data, at } of latest.values())
      await registry.recordIfNewer(tx, { name: data.name, version: data.version, hash: data.hash, file: data.file, definition: data.definition, updatedAt: at });
  },
};
