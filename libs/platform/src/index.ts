export * from './config';
export * from './logger';
export * from './safe-url';
export * from './readiness';
export * from './log-context';
export * from './metrics';
export * from './host-paths';
export * from './sealed-secret';
