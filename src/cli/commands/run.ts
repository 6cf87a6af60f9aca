/** failover / failback / plan: wire options, runbook, output, AWS (real or sandbox) into runOperation. */
import { resolve } from 'node:path';
import { parseRunOptions } from '../options.js';
import type { RawRunOptions } from '../options.js';
import { loadSelection } from '../load.js';
import type { Output } from '../../report/output.js';
import { runOperation } from '../../engine/run.js';
import { stateDirAt } from '../../engine/state-dir.js';
import { prepareRunContext, writeReportsFor } from '../run-context.js';

export async function runCommand(operation: 'failover' | 'failback', raw: RawRunOptions & { reportDir?: string }, output: Output): Promise<number> {
  const options = parseRunOptions(operation, raw, process.env, output.isTTY);
  const { loaded, runbook, resources } = await loadSelection(options.file, options.fs, options.all);
  const stateDir = stateDirAt(resolve(options.stateDir));
  // The emulator is loaded only for --sandbox runs.
  const sandbox = options.sandbox
    ? await (await import('../sandbox-session.js')).openCliSandbox(stateDir, loaded.map((l) => l.runbook))
    : undefined;
  const context = prepareRunContext(options, runbook, resources, output, stateDir, sandbox);
  try {
    const outcome = await runOperation({ ...context.base, operation });
    context.close();
    if (!options.dryRun) await writeReportsFor(stateDir, outcome.runId, raw.reportDir ? resolve(raw.reportDir) : undefined, output);
    return outcome.exitCode;
  } finally {
    context.close();
    await sandbox?.close();
  }
}
