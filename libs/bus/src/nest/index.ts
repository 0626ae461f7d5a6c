export * from './bus.tokens';
export * from './bus.module';
