export * from './sealing';
export * from './key-store';
export * from './vault';
export * from './search-terms';
export * from './sealed-spans';
