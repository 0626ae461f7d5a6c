export * from './subjects';
export * from './limits';
export * from './schemas';
export * from './client-config';
export * from './agent-client';
