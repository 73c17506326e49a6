import { SERVICE_NAMES, TestSystem } from '../support/system';

describe('the whole system on the real broker and PostgreSQL', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('starts the four services, each reporting PostgreSQL, Kafka, its event store and its relay up', async () => {
    for (const name of SERVICE_NAMES) {
      const response = await fetch(`${system.url(name)}/health`);
      const body: unknown = await response.json();
      expect(response.status).toBe(200);
      expect(body).toMatchObject({
        status: 'up',
        service: name,
        checks: { postgres: { status: 'up' }, kafka: { status: 'up' }, eventStore: { status: 'up' }, relay: { status: 'up' } },
      });
    }
  });

  it('describes every service in OpenAPI', async () => {
    for (const name of SERVICE_NAMES) {
      const response = await fetch(`${system.url(name)}/docs/openapi.json`);
      const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(response.status).toBe(200);
      expect(document.openapi).toMatch(/^3\./);
      expect(document.paths['/health']).toBeDefined();
    }
  });

  it('refuses a request without credentials with the common error shape', async () => {
    const response = await system.as(null).post('intake', '/v1/contacts', {});
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'unauthenticated' });
  });
});
