import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far a reader (the relay, the projections) has got in commit-safe order
 * (migration 001): the last event's (transaction id, global position).
 */
@Entity({ name: 'checkpoints', synchronize: false })
export class CheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /**
   * The column is `xid8`, a type TypeORM does not know: declared as text, which is
   * what Postgres hands over and accepts for it (the schema comes from the migrations,
   * never from this declaration).
   */
  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  /** bigint: Postgres hands it over as a string */
  @Column({ name: 'global_position', type: 'bigint' })
  globalPosition!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  updatedAt!: Date;
}
