export * from './read-model';
export * from './databases';
export * from './bulk-rows';
export * from './row-projection';
export * from './rebuild';
export * from './rebuild-compare';
export * from './rebuild-databases';
export * from './rebuild-progress';
