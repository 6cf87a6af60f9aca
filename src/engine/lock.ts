/**
 * One run at a time per runbook: a lock file created with O_EXCL that names its holder. A held lock is reported
 * with who holds it and how to break it; breaking is explicit (`drctl unlock --fs NAME --force`).
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LockError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { StateDir } from './state-dir.js';
import type { RunActor } from './checkpoint.js';

export interface LockHolder extends RunActor {
  runId: string;
  operation: string;
  runbook: string;
  since: string;
}

export interface HeldLock {
  holder: LockHolder;
  /** Records the run id once it is known (a resumed run keeps its original id). */
  update(runId: string): Promise<void>;
  release(): Promise<void>;
}

export async function readLockHolder(dir: StateDir, runbook: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(dir.lockFile(runbook), 'utf8')) as LockHolder;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A lock file that cannot be parsed is still a lock: report it as held by someone unknown.
    return { user: 'unknown', host: 'unknown', pid: 0, runId: 'unknown', operation: 'unknown', runbook, since: 'unknown' };
  }
}

/** Whether the holder is a process on this host that no longer exists. */
export function isLockStale(holder: LockHolder, hostname: string): boolean {
  if (holder.host !== hostname || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.user}@${holder.host} (pid ${holder.pid}), run ${holder.runId} (${holder.operation}), since ${holder.since}`;
}

export async function acquireLock(dir: StateDir, holder: LockHolder, fsNames: string[]): Promise<HeldLock> {
  const file = dir.lockFile(holder.runbook);
  await mkdir(dirname(file), { recursive: true });
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(`${JSON.stringify(holder, null, 2)}\n`);
    await handle.sync();
    await handle.close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const current = await readLockHolder(dir, holder.runbook);
    const stale = current ? isLockStale(current, holder.host) : false;
    const fsFlag = fsNames.map((n) => `--fs ${n}`).join(' ');
    throw new LockError('lock-held', `runbook ${holder.runbook} is locked by ${current ? describeHolder(current) : 'an unknown holder'}`, {
      hint: stale
        ? `That process is no longer running: the lock is stale. Release it with \`drctl unlock ${fsFlag} --force\`, then re-run to resume.`
        : `Wait for that run to finish. If it is really gone, release the lock with \`drctl unlock ${fsFlag} --force\`.`,
    });
  }
  return {
    holder,
    update: async (runId) => {
      holder.runId = runId;
      await writeFileAtomic(file, `${JSON.stringify(holder, null, 2)}\n`);
    },
    release: async () => {
      const current = await readLockHolder(dir, holder.runbook);
      if (current?.runId === holder.runId && current.pid === holder.pid) await rm(file, { force: true });
    },
  };
}

export async function breakLock(dir: StateDir, runbook: string): Promise<LockHolder | undefined> {
  const holder = await readLockHolder(dir, runbook);
  await rm(dir.lockFile(runbook), { force: true });
  return holder;
}
