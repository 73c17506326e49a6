// The four services and their local defaults, shared by start.js, the e2e harness and the demo.
const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'routing', port: 3002 },
  { name: 'followup', port: 3003 },
  { name: 'evaluation', port: 3004 },
];

/** INTAKE_PORT etc. override the defaults, so a developer can move one service aside. */
function servicePort(service, env = process.env) {
  const override = env[`${service.name.toUpperCase()}_PORT`];
  return override ? Number(override) : service.port;
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

module.exports = { SERVICES, servicePort, serviceOverrides };
