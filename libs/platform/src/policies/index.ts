export * from './policy-book';
export * from './policies.controller';
