#!/usr/bin/env node
// Runs every bench/*.bench.js in turn (after `npm run build`; benches import from dist/). Usage:
//   node bench/run.js            all benchmarks
//   node bench/run.js efs        only files whose name contains "efs"
// Benchmarks never run in `npm test`; they report numbers, they do not assert timings.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no benchmarks match '${filter}' in ${here}`);
  process.exitCode = 1;
}
for (const file of files) {
  const bench = await import(pathToFileURL(join(here, file)).href);
  console.log(`\n== ${bench.title ?? file}`);
  const started = performance.now();
  await bench.run((line) => console.log(`   ${line}`));
  console.log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
