#!/usr/bin/env node
// Mints a development token for the local stack:
//   node scripts/dev-token.js cs agent-1
//   node scripts/dev-token.js department_handler handler-1 billing
// Signed with AUTH_TOKEN_SECRET (the local default unless set); valid for 8 hours.
const path = require('node:path');

const DEFAULT_SECRET = 'handoff-local-development-secret';

async function loadTokens() {
  await require('./build').build({ quiet: true });
  return require(path.resolve(__dirname, '../dist/libs/platform/src/tokens.js'));
}

async function mintToken(claims, secret = process.env.AUTH_TOKEN_SECRET || DEFAULT_SECRET) {
  const { signToken } = await loadTokens();
  return signToken(claims, secret);
}

if (require.main === module) {
  const [role, sub, department] = process.argv.slice(2);
  const roles = ['cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor'];
  if (!roles.includes(role) || !sub || (role.startsWith('department_') && !department)) {
    process.stderr.write(`usage: node scripts/dev-token.js <${roles.join('|')}> <user-id> [department, for department roles]\n`);
    process.exit(2);
  }
  mintToken({ sub, role, ...(department ? { department } : {}) }).then((token) => process.stdout.write(token + '\n'));
}
module.exports = { mintToken, DEFAULT_SECRET };
