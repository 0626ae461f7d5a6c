export * from '@sacp/presentation';
