import { join } from 'node:path';

interface InfrastructureScripts {
  ensurePostgres(): Promise<{ url: string; startedHere: boolean }>;
  ensureKafka(): Promise<{ brokers: string[]; startedHere: boolean }>;
}

// The same plain-Node scripts `npm test` and `npm start` use, so that running Jest directly
// (`npx jest --selectProjects integration`) finds the same PostgreSQL and the same broker.
const repoRoot = join(__dirname, '..', '..', '..');

export default async function globalSetup(): Promise<void> {
  const { ensurePostgres } = require(join(repoRoot, 'scripts', 'postgres.js')) as InfrastructureScripts;
  const { ensureKafka } = require(join(repoRoot, 'scripts', 'kafka.js')) as InfrastructureScripts;

  await ensurePostgres();
  const { brokers } = await ensureKafka();
  // Test workers are forked after global setup and inherit this, so tests reach the broker that
  // was actually ensured (HANDOFF_KAFKA_PORT may have moved it off 9092).
  process.env.KAFKA_BROKERS = brokers.join(',');

  // A broker started here is deliberately left running: a developer reruns tests many times and
  // each run would otherwise pay a broker start. `npm test` stops the broker it started itself,
  // and `node scripts/kafka.js stop` stops this one.
}
