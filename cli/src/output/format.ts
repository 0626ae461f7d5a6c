export * from '../../../libs/presentation/src/format';
