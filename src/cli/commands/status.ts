/** drctl status: runs (newest first) and their steps, from the checkpoints under the state dir. */
import { resolve } from 'node:path';
import type { Output } from '../../report/output.js';
import { readAllCheckpoints } from '../../engine/checkpoint.js';
import { stateDirAt } from '../../engine/state-dir.js';
import { renderStatus } from '../../report/render.js';
import { ExitCode, InputError } from '../../errors.js';

export async function statusCommand(raw: { fs?: string; stateDir?: string; limit?: string; output?: string }, output: Output): Promise<number> {
  const limit = raw.limit === undefined ? 10 : Number(raw.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new InputError('invalid-option', `--limit must be a positive whole number, not '${raw.limit}'`);
  const dir = stateDirAt(resolve(raw.stateDir ?? process.env.DRCTL_STATE_DIR ?? '.drctl'));
  const runs = (await readAllCheckpoints(dir)).filter((cp) => !raw.fs || cp.resources.includes(raw.fs)).slice(0, limit);
  if (raw.output === 'json') {
    for (const run of runs) output.out(JSON.stringify(run));
    return ExitCode.ok;
  }
  if (runs.length === 0) {
    output.out(raw.fs ? `No runs recorded for ${raw.fs} in ${dir.root}.` : `No runs recorded in ${dir.root}.`);
    return ExitCode.ok;
  }
  output.out(renderStatus(runs, { color: output.color, now: Date.now() }));
  return ExitCode.ok;
}
