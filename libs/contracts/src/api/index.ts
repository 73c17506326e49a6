// The API's answers as the consoles read them: types and plain data with no import outside this
// folder, so `import type` from a browser bundle pulls in nothing of the services.
export * from './vocabulary';
export * from './quality';
export * from './kpis';
export * from './timeline';
export * from './customers';
export * from './intake';
export * from './followup';
export * from './routing';
export * from './audit';
export * from './conversation';
export * from './search';
export * from './complaint-causes';
export * from './webhooks';
export * from './policies';
