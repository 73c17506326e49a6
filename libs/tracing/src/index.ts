export * from './propagation';
export * from './spans';
export * from './provider';
