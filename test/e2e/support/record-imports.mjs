// Preloaded with `node --import` by test/e2e/help-and-loading.test.ts: registers a module resolve hook that
// appends every URL the ESM loader resolves — static imports and import() alike — to $DRCTL_IMPORT_LOG.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { log: process.env.DRCTL_IMPORT_LOG } });
