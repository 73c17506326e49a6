// The four services and their local defaults, shared by start.js, the consoles' server, the e2e harness and the demo.
const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'routing', port: 3002 },
  { name: 'followup', port: 3003 },
  { name: 'evaluation', port: 3004 },
];

/** Instance k (0-based) of a service listens this much above the first one: 3001, 3101, 3201, ... */
const INSTANCE_PORT_STEP = 100;
const MAX_INSTANCES = 9;

/** INTAKE_PORT etc. override the defaults, so a developer can move one service aside. */
function servicePort(service, env = process.env) {
  const override = env[`${service.name.toUpperCase()}_PORT`];
  return override ? Number(override) : service.port;
}

/** HANDOFF_INSTANCES: how many instances of each service `npm start` runs (1 by default). */
function instanceCount(env = process.env) {
  const raw = env.HANDOFF_INSTANCES;
  if (raw === undefined || raw === '') return 1;
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > MAX_INSTANCES) {
    throw new Error(`HANDOFF_INSTANCES must be a whole number from 1 to ${MAX_INSTANCES}, got ${JSON.stringify(raw)}`);
  }
  return count;
}

/** The ports of a service's instances: its port, then INSTANCE_PORT_STEP apart. */
function instancePorts(service, env = process.env) {
  return Array.from({ length: instanceCount(env) }, (_, index) => servicePort(service, env) + index * INSTANCE_PORT_STEP);
}

/**
 * Where the consoles' server finds a service's instances: INTAKE_URL etc. (several, comma-separated,
 * for instances behind no balancer), else the local instances `npm start` runs.
 */
function serviceUrls(service, env = process.env) {
  const configured = env[`${service.name.toUpperCase()}_URL`];
  if (configured) return configured.split(',').map((url) => url.trim()).filter(Boolean);
  return instancePorts(service, env).map((port) => `http://127.0.0.1:${port}`);
}

/**
 * One service's own settings under a shared environment: INTAKE_DATABASE_POOL_EVENT_STORE=3 is
 * DATABASE_POOL_EVENT_STORE=3 for intake alone (the pool sizes, listed in the README).
 */
function serviceOverrides(service, env = process.env) {
  const prefix = `${service.name.toUpperCase()}_DATABASE_POOL_`;
  return Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => [name.slice(service.name.length + 1), value]),
  );
}

module.exports = { SERVICES, servicePort, instanceCount, instancePorts, serviceUrls, serviceOverrides };
