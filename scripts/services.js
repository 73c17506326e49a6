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

module.exports = { SERVICES, servicePort };
