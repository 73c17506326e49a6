export * from './infrastructure';
export * from './customers';
