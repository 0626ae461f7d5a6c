export * from './bus.module';
export * from './server';
