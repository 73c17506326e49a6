#!/usr/bin/env node
// `npm install` on these machines leaves out optional platform packages that the registry
// mirror does not serve (e.g. @swc/core-darwin-arm64), and then `npm ci` refuses the lock
// ("Missing: ... from lock file", npm/cli#4828). This adds an entry for each such package,
// with os/cpu taken from its name, so npm ci skips it on this platform as it should.
// Run it after every `npm install`; scripts/complete-lockfile.spec.ts fails if you forget.
const fs = require('node:fs');
const path = require('node:path');

const LOCK = path.resolve(__dirname, '../package-lock.json');
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'netbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

function missingOptionals(lock) {
  const missing = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${location}/node_modules/${name}`;
      if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) missing.push({ parent: entry, name, version });
    }
  }
  return missing;
}

function complete(lock) {
  const added = [];
  for (const { parent, name, version } of missingOptionals(lock)) {
    const parts = name.split('/').pop().split('-');
    const os = OS.find((candidate) => parts.includes(candidate));
    const cpu = CPU.find((candidate) => parts.includes(candidate) || (candidate === 'arm' && parts.includes('arm')));
    lock.packages[`node_modules/${name}`] = {
      version: version.replace(/^[\^~]/, ''),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(parent.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
    };
    added.push(name);
  }
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  return added;
}

if (require.main === module) {
  const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
  const added = complete(lock);
  fs.writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
  process.stdout.write(added.length ? `added ${added.length} optional platform entries: ${added.join(', ')}\n` : 'lock file complete\n');
}
module.exports = { missingOptionals, complete, LOCK };
