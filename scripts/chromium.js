#!/usr/bin/env node
// The consoles' browser tests drive Debian's Chromium through playwright-core. When it is
// missing and this process may install packages (root, or sudo without a password), it is
// installed from Debian's repositories, as `npm test` does for the Kafka broker; otherwise the
// browser tests fail and say how to install it. Debian's Noto CJK fonts come with it, so the
// consoles' Chinese renders in the screenshots instead of empty boxes.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian packages the browser tests need: the browser, and fonts with Chinese glyphs. */
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

function installed(name) {
  if (name === 'chromium') return fs.existsSync(CHROMIUM);
  const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return status.status === 0 && status.stdout.includes('install ok installed');
}

function ensureChromium({ quiet = false } = {}) {
  const missing = PACKAGES.filter((name) => !installed(name));
  if (missing.length === 0) return { path: CHROMIUM, installedHere: false };
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!root && !sudo) {
    if (!quiet) process.stderr.write(`chromium: ${missing.join(' and ')} missing and cannot be installed here (run: sudo apt-get install ${missing.join(' ')})\n`);
    return { path: CHROMIUM, installedHere: false };
  }
  const started = Date.now();
  const run = (args) => execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : ['-n', ...args], { stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!quiet) process.stdout.write(`chromium: installing Debian's ${missing.join(' and ')} for the browser tests\n`);
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', ...missing]);
  if (!quiet) process.stdout.write(`chromium: installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return { path: CHROMIUM, installedHere: missing.includes('chromium') };
}

if (require.main === module) {
  try {
    ensureChromium();
  } catch (error) {
    process.stderr.write(`chromium: installing failed: ${error.message}\n`);
    process.exit(1);
  }
}
module.exports = { ensureChromium, CHROMIUM };
