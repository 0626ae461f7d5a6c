export * from './open-data-source';
export * from './database.module';
export * from './event-store.module';
