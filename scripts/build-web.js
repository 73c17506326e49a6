#!/usr/bin/env node
// Builds the consoles (apps/web, React) into dist/web with Vite. Skipped when nothing under
// apps/web changed since the last build, so `npm start` and the browser tests stay quick.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'apps/web');
const out = path.join(root, 'dist/web');
const stamp = path.join(root, 'dist/web-build.sha256');

function digestOf(dir) {
  const hash = crypto.createHash('sha256');
  const walk = (current) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update(fs.readFileSync(full));
    }
  };
  walk(dir);
  // A different Vite or React builds a different bundle.
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

async function buildWeb({ quiet = false } = {}) {
  const digest = digestOf(source);
  if (fs.existsSync(path.join(out, 'index.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return;
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(source, 'vite.config.mts'), logLevel: quiet ? 'error' : 'warn' });
  fs.writeFileSync(stamp, digest);
  if (!quiet) process.stdout.write(`built the consoles into dist/web in ${Date.now() - started} ms\n`);
}

if (require.main === module) {
  buildWeb().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
module.exports = { buildWeb };
