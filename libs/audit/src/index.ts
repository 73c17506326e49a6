export * from './history';
export * from './ledger';
export * from './as-of';
export * from './export';

export * from './sources';
export * from './summary';
