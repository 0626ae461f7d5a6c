export * from './payload-limit.error';
export * from './wire-reply';
export * from './json-request.deserializer';
export * from './json-reply.serializer';
export * from './bus-server';
export * from './bus-exception.filter';
export * from './readable-body.pipe';
export * from './bus-transport';
