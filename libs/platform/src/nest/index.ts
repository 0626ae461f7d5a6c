export * from './tokens';
export * from './core-providers';
export * from './health.controller';
export * from './metrics.controller';
export * from './observability.module';
export * from './run-service';
