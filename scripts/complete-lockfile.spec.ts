import { readFileSync } from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { missingOptionals, LOCK } = require('./complete-lockfile.js');

describe('package-lock.json', () => {
  it('lists every optional platform package, so `npm ci` accepts it on a fresh machine', () => {
    const missing = missingOptionals(JSON.parse(readFileSync(LOCK, 'utf8'))).map((entry: { name: string }) => entry.name);
    // If this fails: run `node scripts/complete-lockfile.js` after `npm install`.
    expect(missing).toEqual([]);
  });
});
