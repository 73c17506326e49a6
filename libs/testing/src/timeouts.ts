// Integration and e2e tests wait on a real broker and real processes; their own polling
// deadlines say what they waited for, so Jest's 5 s default should never be the one to fire.
const path = expect.getState().testPath ?? '';
jest.setTimeout(path.endsWith('.e2e-spec.ts') ? 180_000 : path.endsWith('.int-spec.ts') ? 60_000 : 5_000);
