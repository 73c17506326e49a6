export * from './databases';
export * from './config';
export * from './logger';
export * from './tokens';
export * from './http';
export * from './health';
export * from './bootstrap';
export * from './service.module';
