export * from './infrastructure';
export * from './customers';
export * from './topics';
