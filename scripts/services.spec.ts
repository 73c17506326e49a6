// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES, instanceCount, instancePorts, serviceUrls } = require('./services') as {
  SERVICES: { name: string; port: number }[];
  instanceCount(env: Record<string, string | undefined>): number;
  instancePorts(service: { name: string; port: number }, env: Record<string, string | undefined>): number[];
  serviceUrls(service: { name: string; port: number }, env: Record<string, string | undefined>): string[];
};

const routing = SERVICES.find((service) => service.name === 'routing')!;

describe('instances under npm start', () => {
  it('runs one instance of each service unless HANDOFF_INSTANCES says more, each 100 ports above the last', () => {
    expect(instancePorts(routing, {})).toEqual([3002]);
    expect(instancePorts(routing, { HANDOFF_INSTANCES: '3' })).toEqual([3002, 3102, 3202]);
    expect(instancePorts(routing, { HANDOFF_INSTANCES: '2', ROUTING_PORT: '4502' })).toEqual([4502, 4602]);
  });

  it('refuses a bad HANDOFF_INSTANCES with a message naming it', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '10']) {
      expect(() => instanceCount({ HANDOFF_INSTANCES: bad })).toThrow(/^HANDOFF_INSTANCES must be a whole number from 1 to 9/);
    }
  });

  it('gives the consoles every local instance, or the URLs it is given (several comma-separated)', () => {
    expect(serviceUrls(routing, { HANDOFF_INSTANCES: '2' })).toEqual(['http://127.0.0.1:3002', 'http://127.0.0.1:3102']);
    expect(serviceUrls(routing, { ROUTING_URL: 'http://a:3002, http://b:3002' })).toEqual(['http://a:3002', 'http://b:3002']);
  });
});
