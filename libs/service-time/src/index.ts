// Time as the organisation keeps it, shared by the services that reason about it: routing sets
// deadlines with it, evaluation measures them and reports per local period. Pure functions and
// policies as data; no framework, database or broker.
export * from './time-zone';
export * from './business-calendar';
export * from './deadline-policy';
export * from './validation';
export * from './periods';
