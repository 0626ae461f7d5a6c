import { MigrationExecutor, type DataSource, type Migration, type QueryRunner } from 'typeorm';

/** TypeORM's migration runner on the one connection that holds the migration lock. */
export class LockedMigrationExecutor extends MigrationExecutor {
  constructor(
    dataSource: DataSource,
    readonly runner: QueryRunner,
  ) {
    super(dataSource, runner);
    // each migration commits on its own, as before: a failure keeps the ones before it
    this.transaction = 'each';
  }

  ensureTable(): Promise<void> {
    return this.createMigrationsTableIfNotExist(this.runner);
  }

  async recordedNames(): Promise<Set<string>> {
    return new Set((await this.loadExecutedMigrations(this.runner)).map((m) => m.name));
  }

  known(): Migration[] {
    return this.getMigrations();
  }

  record(migration: Migration): Promise<void> {
    return this.insertExecutedMigration(this.runner, migration);
  }
}
