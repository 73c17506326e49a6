import { execFileSync } from 'node:child_process';
import type { StartedTestContainer } from 'testcontainers';
import { eventStoreContract } from '../event-store.contract';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';

const IMAGE = 'eventstore/eventstore:24.10';

/**
 * Jest declares tests synchronously, but asking testcontainers for a runtime is async; a
 * child process answers before the describe is declared, so a skip can say why in its name.
 */
function containerRuntimeAvailable(): boolean {
  const probe = `require(${JSON.stringify(require.resolve('testcontainers'))})
    .getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const configured = process.env.EVENTSTORE_CONNECTION_STRING;
const runnable = Boolean(configured) || containerRuntimeAvailable();
const title = runnable
  ? `EventStoreDB adapter (${configured ? 'EVENTSTORE_CONNECTION_STRING' : IMAGE})`
  : 'EventStoreDB adapter — skipped: no EVENTSTORE_CONNECTION_STRING and no container runtime';

(runnable ? describe : describe.skip)(title, () => {
  let container: StartedTestContainer | undefined;
  let connectionString = configured ?? '';

  beforeAll(async () => {
    if (configured) return;
    const { GenericContainer, Wait } = await import('testcontainers');
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  }, 180_000);

  afterAll(async () => {
    await container?.stop();
  });

  eventStoreContract({ open: () => createEventStoreDbEventStore({ connectionString }) });
});
