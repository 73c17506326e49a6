export * from './history';
export * from './ledger';
export * from './as-of';
export * from './export';
export * from './rebuild';
export * from './rebuild-compare';
export * from './rebuild-databases';
export * from './rebuild-progress';

export * from './sources';
export * from './summary';
