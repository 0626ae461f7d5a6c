import type { EntityManager } from 'typeorm';
import { TemplateRegistryEntity } from '../entities/template-registry.entity';

/** Writes of the template registry, inside the projector's transaction. */
export class TemplateRegistryRepository {
  /** Records a template version unless a newer one is recorded already (redelivery and replays change nothing). */
  async recordIfNewer(tx: EntityManager, row: Omit<TemplateRegistryEntity, 'updatedAt'> & { updatedAt: string }): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(TemplateRegistryEntity)
      .values({ ...row, updatedAt: new Date(row.updatedAt) })
      .orUpdate(['version', 'hash', 'file', 'definition', 'updated_at'], ['name'], { overwriteCondition: { where: 'template_registry.version < EXCLUDED.version' } })
      .updateEntity(false)
      .execute();
  }

  /** Empties the registry before a rebuild (DELETE: the services may not truncate). */
  async clear(tx: EntityManager): Promise<void> {
    await tx.createQueryBuilder().delete().from(TemplateRegistryEntity).execute();
  }
}
