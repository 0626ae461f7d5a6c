export * from './config';
export * from './logger';
export * from './pg-pool';
export * from './readiness';
export * from './log-context';
export * from './metrics';
