export * from './bus.errors';
export * from './nats-connection';
export * from './server';
export * from './request-client';
export * from './event-stream';
export * from './auth';
