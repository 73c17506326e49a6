// Three levels, named by file suffix (see ../shared/STYLE.md): unit specs need nothing,
// int-specs need the real Kafka broker and PostgreSQL, e2e-specs run whole services.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@handoff/platform/databases$': '<rootDir>/libs/platform/src/databases',
    // The test beds that load the broker client, TypeORM or Nest, apart from the light index.
    '^@handoff/testing/([a-z-]+)$': '<rootDir>/libs/testing/src/$1',
    '^@handoff/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/timeouts.ts'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,test}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/e2e-setup.ts',
    },
  ],
};
