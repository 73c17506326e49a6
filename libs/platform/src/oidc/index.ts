export * from './claims';
export * from './jwt';
export * from './issuer';
export * from './people';
export * from './config';
