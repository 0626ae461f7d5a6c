export * from './format';
export * from './event-summary';
export * from './causation-chain';
