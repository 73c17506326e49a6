// The boundaries of the code base, checked by `npm test` (scripts/architecture.spec.ts), not hoped
// for. Each rule says what must never be; the README's "Modules and what each may import" says
// the same in words.

/** Pure business rules: deciders, process managers and the folds and policies they use. */
const DOMAIN = [
  '\\.(decider|react|model)\\.ts$',
  '^apps/routing/src/tickets/(assignment|routing-rules)\\.ts$',
  '^apps/routing/src/organisation/organisation\\.ts$',
  '^apps/intake/src/contacts/classification\\.ts$',
  '^apps/evaluation/src/timeline/lifecycle\\.ts$',
  '^apps/evaluation/src/records/service-record\\.ts$',
  '^apps/evaluation/src/kpis/(kpis|kpi-policy|kpi-deadlines-now|statistics)\\.ts$',
  '^apps/evaluation/src/quality/(sampling|rubric)\\.ts$',
  '^apps/evaluation/src/assessment/assessment\\.ts$',
  '^apps/evaluation/src/data-rights/(retention|customer-export)\\.ts$',
  '^libs/contracts/src/',
  '^libs/service-time/src/',
];

/** Framework, database and broker: the edges' business, never the domain's. */
const INFRASTRUCTURE = '(^|/)node_modules/(@nestjs/|typeorm/|kafkajs/|pg/|pg-[a-z-]+/|@eventstore/)';

/** Nest itself: the services' edges and libs/platform, nothing below them. */
const INFRASTRUCTURE_NEST = '(^|/)node_modules/@nestjs/';

/** Specs may use any test bed; the rules below are about the code they test. */
const TESTS = '\\.(spec|int-spec|e2e-spec)\\.ts$';

/** The one composition root that may know every service's read models: the operators' audit CLI. */
const READ_MODEL_REGISTRIES = '^apps/(routing|followup|evaluation)/src/read-models\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-infrastructure',
      comment: 'Deciders, reactions, folds and policies are plain functions: no Nest, TypeORM, Kafka or PostgreSQL client.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: INFRASTRUCTURE },
    },
    {
      name: 'no-app-imports-another-app',
      comment: 'What two services need is a library; a service never reaches into another. Cross-service tests live in test/.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/audit/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'audit-cli-knows-read-model-registries-only',
      comment: "apps/audit is the composition root for rebuilds: it may import each service's read-models.ts, nothing else of the services.",
      severity: 'error',
      from: { path: '^apps/audit/' },
      to: { path: '^apps/', pathNot: ['^apps/audit/', READ_MODEL_REGISTRIES] },
    },
    {
      name: 'bench-reaches-services-through-the-audit-cli',
      comment: "The benchmarks run the services from dist/; the read models they rebuild come through apps/audit's registry (but for bench/search.ts, see below).",
      severity: 'error',
      // bench/search.ts is the one exception: it times evaluation's search endpoint in process at
      // 100,000 tickets, so it boots evaluation's module and seeds its search projection directly.
      from: { path: '^bench/', pathNot: '^bench/search\\.ts$' },
      to: { path: '^apps/', pathNot: '^apps/audit/src/read-model-commands\\.ts$' },
    },
    {
      name: 'libraries-import-no-app',
      comment: 'A library has one job and serves the apps; it never reaches into one (nor into tests or benchmarks).',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|bench|test)/' },
    },
    {
      name: 'only-apps-import-the-nest-layer',
      comment: "libs/platform is the services' Nest layer, on top of every other library: a library below it (the read models' rebuild, say) runs without Nest. libs/testing's service test bed is the one library that starts Nest.",
      severity: 'error',
      from: { path: '^libs/', pathNot: ['^libs/(platform|testing)/', TESTS] },
      to: { path: ['^libs/platform/', INFRASTRUCTURE_NEST] },
    },
    {
      name: 'read-models-know-no-audit',
      comment: "The read models (registration, databases, row writer, rebuild and compare) sit below the audit: the audit may take a database URL from them; they take nothing from it, so a rebuild reads the stores on its own terms.",
      severity: 'error',
      from: { path: '^libs/read-models/', pathNot: TESTS },
      to: { path: '^libs/audit/' },
    },
    {
      name: 'consoles-read-only-the-contracts-api',
      comment: "The consoles bundle nothing of the services: of the libraries they read only the API's module of the contracts.",
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^(libs|apps/(?!web/))', pathNot: '^libs/contracts/src/api/' },
    },
    {
      name: 'consoles-import-contracts-types-only',
      comment: "The consoles take the API's types with `import type`; the exceptions are pure modules that import nothing: kpiValue (api/kpis.ts) and the policy kinds' owners (api/policies.ts).",
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^libs/contracts/', pathNot: '^libs/contracts/src/api/(kpis|policies)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'contracts-api-imports-nothing',
      comment: "The API's module is read by the browser: it imports nothing outside itself, so nothing of Node or the services follows it.",
      severity: 'error',
      from: { path: '^libs/contracts/src/api/' },
      to: { pathNot: '^libs/contracts/src/api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.handoff)/' },
    // `import type` is a dependency too: the consoles' rule is about exactly those.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
