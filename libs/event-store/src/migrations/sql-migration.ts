import type { MigrationInterface, QueryRunner } from 'typeorm';

/** TypeORM's record of the migrations applied (the table `migrationsTableName` names). */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * A migration written in SQL, run by TypeORM's migration runner in a transaction of
 * its own. The class name ends in the 13-digit timestamp TypeORM orders migrations by.
 *
 * `legacyId` is the id the hand-written runner (before TypeORM) recorded in its
 * `schema_migrations` table: a store it migrated is taken over by recording those
 * migrations as applied, never by running them again (see legacy-takeover.ts).
 */
export abstract class SqlMigration implements MigrationInterface {
  abstract readonly name: string;
  abstract readonly legacyId: string;
  abstract readonly sql: string;

  async up(queryRunner: QueryRunner): Promise<void> {
    try {
      await queryRunner.query(this.sql);
    } catch (err) {
      throw new Error(`migration ${this.name} (${this.legacyId}) failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The event store's history is append-only; its schema goes back only by restoring a backup. */
  async down(): Promise<void> {
    throw new Error(`migration ${this.name} is not reversible: restore a backup taken before it to go back`);
  }
}
