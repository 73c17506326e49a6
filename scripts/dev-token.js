#!/usr/bin/env node
// Mints a development token for the local stack:
//   node scripts/dev-token.js cs agent-1
//   node scripts/dev-token.js department_handler handler-1 billing
// Signed with AUTH_TOKEN_SECRET (the local default unless set); valid for 8 hours. Services with
// OIDC_ISSUER set refuse these: there, people's tokens come from the identity provider.
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

async function main([role, sub, department]) {
  await require('./build').build({ quiet: true });
  const roles = require(path.resolve(__dirname, '../dist/libs/contracts/src/envelope.js')).PERSON_ROLES;
  if (!roles.includes(role) || !sub || (role.startsWith('department_') && !department)) {
    process.stderr.write(`usage: node scripts/dev-token.js <${roles.join('|')}> <user-id> [department, for department roles]\n`);
    process.exit(2);
  }
  process.stdout.write((await mintToken({ sub, role, ...(department ? { department } : {}) })) + '\n');
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { mintToken, DEFAULT_SECRET };
