export * from './policy.decider';
export * from './policy-book';
export * from './policies.controller';
