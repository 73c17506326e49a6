#!/usr/bin/env node
// `npm run soak`: the multi-instance fault test (test/e2e/fault.e2e-spec.ts) at length: two
// instances of each service and a broker and PostgreSQL of its own, instances and the broker
// killed with SIGKILL at random while SOAK_TICKETS tickets (default 300) are driven to their final
// state, PostgreSQL restarted once; then the same checks as the short run in `npm test`.
//
//   SOAK_TICKETS=300 SOAK_SEED=12345 SOAK_IN_FLIGHT=8 SOAK_INSTANCES=2 npm run soak
//
// The seed is printed at the start; SOAK_SEED repeats the same faults in the same order (the
// timing of the processes still varies). The figures are printed on the last `fault:` line.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
const set = (from, to, fallback) => {
  if (process.env[from] !== undefined && process.env[from] !== '') env[to] = process.env[from];
  else if (fallback !== undefined) env[to] = fallback;
};
set('SOAK_TICKETS', 'FAULT_TICKETS', '300');
set('SOAK_SEED', 'FAULT_SEED');
set('SOAK_IN_FLIGHT', 'FAULT_IN_FLIGHT', '8');
set('SOAK_INSTANCES', 'FAULT_INSTANCES', '2');
for (const name of ['FAULT_TICKETS', 'FAULT_IN_FLIGHT', 'FAULT_INSTANCES', ...(env.FAULT_SEED ? ['FAULT_SEED'] : [])]) {
  if (!/^\d+$/.test(env[name]) || (name !== 'FAULT_SEED' && Number(env[name]) < 1)) {
    console.error(`${name.replace('FAULT_', 'SOAK_')} must be a positive whole number, got ${JSON.stringify(env[name])}`);
    process.exit(2);
  }
}
// A step may wait behind several faults in a row; the whole run scales with the tickets.
env.FAULT_TIMEOUT_MS ??= String(Math.max(600_000, Number(env.FAULT_TICKETS) * 20_000));

const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, '--selectProjects', 'e2e', '--runTestsByPath', path.join('test', 'e2e', 'fault.e2e-spec.ts')], {
  cwd: path.resolve(__dirname, '..'),
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
