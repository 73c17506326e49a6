export * from './infrastructure';
export * from './customers';
export * from './topics';
export * from './decider-specification';
export * from './eventually';
export * from './recorded-events';
export * from './desk';
export * from './prometheus';
