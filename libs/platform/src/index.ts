export * from './config';
export * from './logger';
export * from './pg-pool';
export * from './readiness';
