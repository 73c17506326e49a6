export * from './envelope';
export * from './envelope.schema';
export * from './canonical-json';
export * from './hashing';
export * from './ids';
export * from './kafka-headers';
export * from './versioning';
export * from './decider';
