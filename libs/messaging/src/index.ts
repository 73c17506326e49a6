export * from './logging';
export * from './kafka';
export * from './transient-errors';
export * from './migrations';
export * from './event-relay';
export * from './dead-letter';
export * from './event-consumer';
