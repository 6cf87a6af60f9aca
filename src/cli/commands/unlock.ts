/** drctl unlock --fs NAME --force: break a lock whose holder is gone. */
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { InputError, ExitCode } from '../../errors.js';
import type { Output } from '../../report/output.js';
import { loadSelection } from '../load.js';
import { breakLock, describeHolder, isLockStale, readLockHolder } from '../../engine/lock.js';
import { stateDirAt } from '../../engine/state-dir.js';

export async function unlockCommand(raw: { fs: string; file?: string; force?: boolean; stateDir?: string }, output: Output): Promise<number> {
  const { runbook } = await loadSelection(raw.file, [raw.fs], false);
  const dir = stateDirAt(resolve(raw.stateDir ?? process.env.DRCTL_STATE_DIR ?? '.drctl'));
  const holder = await readLockHolder(dir, runbook.name);
  if (!holder) {
    output.out(`runbook ${runbook.name} is not locked; nothing to do.`);
    return ExitCode.ok;
  }
  if (!raw.force) {
    throw new InputError('force-required', `runbook ${runbook.name} is locked by ${describeHolder(holder)}`, {
      hint: `Make sure that run is really gone, then: drctl unlock --fs ${raw.fs} --force`,
    });
  }
  const stale = isLockStale(holder, hostname());
  await breakLock(dir, runbook.name);
  output.err(
    `warning: released the lock on runbook ${runbook.name} held by ${describeHolder(holder)}${stale ? ' (that process is not running)' : ' — if that run is still alive, two runs may now act at once'}.`,
  );
  output.err('Re-run the interrupted command to resume its run.');
  return ExitCode.ok;
}
