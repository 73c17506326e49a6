#!/usr/bin/env node
// `npm run audit -- <command>`: builds, then runs the auditors' tool (apps/audit/src/cli.ts).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

require('./build')
  .build({ quiet: true })
  .then(() => {
    const result = spawnSync(process.execPath, ['--enable-source-maps', path.resolve(__dirname, '../dist/apps/audit/src/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(result.status ?? 1);
  });
