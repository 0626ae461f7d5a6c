import type { DataSource, EntityManager } from 'typeorm';
import { CheckpointEntity } from '../entities/checkpoint.entity';
import { START, type Checkpoint } from '../event-store.port';

/** The checkpoints of the relay and the projections. */
export class CheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A reader's checkpoint, or START when it has none; inside `tx` when given (the projector's transaction). */
  async read(name: string, tx?: EntityManager): Promise<Checkpoint> {
    const row = await (tx ?? this.dataSource.manager).findOneBy(CheckpointEntity, { name });
    return row ? { transactionId: row.transactionId, globalPosition: row.globalPosition } : START;
  }

  async write(name: string, checkpoint: Checkpoint, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(CheckpointEntity)
      .values({ name, transactionId: checkpoint.transactionId, globalPosition: checkpoint.globalPosition, updatedAt: () => 'clock_timestamp()' })
      .orUpdate(['transaction_id', 'global_position', 'updated_at'], ['name'])
      .updateEntity(false)
      .execute();
  }
}
