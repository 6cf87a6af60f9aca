#!/usr/bin/env node
// Launcher: everything lives in dist/cli/main.js (built by `npm run build`, which `npm ci` runs via `prepare`).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`drctl: internal error (this is a bug, please report it): ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  });
