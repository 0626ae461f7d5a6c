export * from './json-request.deserializer';
export * from './json-reply.serializer';
export * from './bus-server';
export * from './bus-exception.filter';
export * from './readable-body.pipe';
export * from './bus-transport';
export * from './bus-log';
