/** drctl drill: readiness (--dry-run) or a full, measured round trip with evidence. */
import { resolve } from 'node:path';
import { parseRunOptions } from '../options.js';
import type { RawRunOptions } from '../options.js';
import { loadSelection } from '../load.js';
import type { Output } from '../../report/output.js';
import { stateDirAt } from '../../engine/state-dir.js';
import { prepareRunContext, writeReportsFor } from '../run-context.js';
import { runDrill } from '../../drill/run-drill.js';
import { httpDataPlane, inProcessDataPlane } from '../../drill/sandbox-data-plane.js';
import { InputError } from '../../errors.js';
import { parseDuration, renderDuration } from '../../util/duration.js';

export async function drillCommand(raw: RawRunOptions & { reportDir?: string; canaryTimeout?: string }, output: Output): Promise<number> {
  const { mode, ...rest } = raw;
  const options = { ...parseRunOptions('drill', rest, process.env, output.isTTY), ...(mode === 'discard' ? { mode: 'discard' as const } : {}) };
  const { loaded, runbook, resources } = await loadSelection(options.file, options.fs, options.all);
  const canaryTimeoutMs = raw.canaryTimeout === undefined ? undefined : parseDuration(raw.canaryTimeout);
  if (raw.canaryTimeout !== undefined && canaryTimeoutMs === undefined) {
    throw new InputError('invalid-option', `--canary-timeout is not a duration: '${raw.canaryTimeout}'`, { hint: 'For example --canary-timeout 5m' });
  }
  const stateDir = stateDirAt(resolve(options.stateDir));
  const sandbox = options.sandbox ? await (await import('../sandbox-session.js')).openCliSandbox(stateDir, loaded.map((l) => l.runbook)) : undefined;
  const context = prepareRunContext(options, runbook, resources, output, stateDir, sandbox);
  const rpoMs = Math.max(...resources.map((r) => parseDuration(runbook.runbook.filesystems[r]?.rpo ?? '15m') ?? 900_000));
  const plane = sandbox ? inProcessDataPlane(sandbox.router) : options.sandboxEndpoint ? httpDataPlane(options.sandboxEndpoint) : undefined;
  try {
    const outcome = await runDrill({
      ...context.base,
      ...(plane ? { sandbox: plane } : {}),
      canaryTimeoutMs: canaryTimeoutMs ?? rpoMs,
      canaryPollMs: sandbox || options.sandboxEndpoint ? 250 : 10_000,
    });
    context.close();
    const record = outcome.record;
    for (const m of record.drill.measurements) {
      output.err(
        `${m.resource}: RTO ${m.rtoMs === undefined ? 'not measured' : renderDuration(m.rtoMs)} (target ${renderDuration(m.rtoTargetMs)}), RPO ${m.rpoMs === undefined ? 'not measured' : renderDuration(m.rpoMs)} (target ${renderDuration(m.rpoTargetMs)}; ${m.rpoSource})`,
      );
    }
    const failed = record.drill.checks.filter((c) => !c.ok);
    output.err(`Drill ${record.runId} ${record.status}: ${record.drill.checks.length - failed.length}/${record.drill.checks.length} checks passed.`);
    for (const c of failed) output.err(`  failed: ${c.name}${c.resource ? ` (${c.resource})` : ''}: ${c.detail}`);
    if (record.status !== 'succeeded' && record.drill.restoreHint) output.err(`hint: ${record.drill.restoreHint}`);
    await writeReportsFor(stateDir, record.runId, raw.reportDir ? resolve(raw.reportDir) : undefined, output);
    return outcome.exitCode;
  } finally {
    context.close();
    await sandbox?.close();
  }
}
