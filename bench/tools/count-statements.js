// Counts the SQL statements a service sends, by text, for finding what a ticket costs in round
// trips (on these machines each one is a socket write and read, most of a light load's CPU).
// Loaded into the four services of a bench run:
//   BENCH_ONLY=pipeline BENCH_SERVICE_NODE_ARGS="--require ./bench/tools/count-statements.js" npm run bench
// Every 5 s each service appends its running totals to $HANDOFF_STATEMENTS_DIR (default the
// system's temporary directory)/statements-<service>.jsonl; bench/tools/statements-window.js reads them.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pg = require('pg');

const counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, values, callback) {
  const text = typeof config === 'string' ? config : config && config.text;
  const key = String(text).replace(/\s+/g, ' ').slice(0, 110);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return query.call(this, config, values, callback);
};

const service = /apps\/([a-z]+)\//.exec(process.argv[1] ?? '')?.[1] ?? String(process.pid);
const file = path.join(process.env.HANDOFF_STATEMENTS_DIR ?? os.tmpdir(), `statements-${service}.jsonl`);
const started = Date.now();
setInterval(() => {
  fs.appendFileSync(file, `${JSON.stringify({ seconds: (Date.now() - started) / 1000, counts: Object.fromEntries(counts) })}\n`);
}, 5000).unref();
