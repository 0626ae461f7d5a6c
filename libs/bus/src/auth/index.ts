export * from './bus-permissions';
export * from './nats-server-config';
export * from './credential-files';
