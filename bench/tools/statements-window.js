// Reads what count-statements.js wrote. With the file alone: the statements of each 5 s, to find a
// steady stretch of a paced load. With a stretch and the load's rate: the statements a ticket, by text.
//   node bench/tools/statements-window.js /tmp/statements-routing.jsonl
//   node bench/tools/statements-window.js /tmp/statements-routing.jsonl 55 70 30
'use strict';
const fs = require('node:fs');

const [file, from, to, rate] = process.argv.slice(2);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const total = (row) => Object.values(row.counts).reduce((sum, count) => sum + count, 0);
if (from === undefined) {
  let before = 0;
  for (const row of rows) {
    console.log(`${row.seconds.toFixed(0).padStart(5)} s  ${String(total(row) - before).padStart(7)} statements`);
    before = total(row);
  }
} else {
  const first = rows.find((row) => row.seconds >= Number(from));
  const last = rows.find((row) => row.seconds >= Number(to));
  const tickets = (last.seconds - first.seconds) * Number(rate);
  const byText = Object.entries(last.counts)
    .map(([text, count]) => [text, count - (first.counts[text] ?? 0)])
    .filter(([, count]) => count > 0)
    .sort((left, right) => right[1] - left[1]);
  const all = byText.reduce((sum, [, count]) => sum + count, 0);
  console.log(`${first.seconds.toFixed(0)}–${last.seconds.toFixed(0)} s, ${tickets.toFixed(0)} tickets: ${(all / tickets).toFixed(2)} statements a ticket`);
  for (const [text, count] of byText.slice(0, 30)) console.log(`${(count / tickets).toFixed(2).padStart(6)}  ${text}`);
}
