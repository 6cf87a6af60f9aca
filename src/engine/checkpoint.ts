/**
 * The checkpoint: everything needed to resume a run — which steps are done, their outputs and applied phases —
 * written atomically after every step transition, with the runbook digest so a resume against a changed
 * runbook is refused.
 */
import { readFile, readdir } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { StateDir } from './state-dir.js';
import type { EventError, RunStatus } from './events.js';
import type { FailbackMode, Operation, Outputs } from '../steps/types.js';
import type { VerifiedIdentity } from '../aws/types.js';

export const CHECKPOINT_SCHEMA_VERSION = 1;

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'planned';

export interface StepState {
  key: string;
  resource: string;
  id: string;
  kind: string;
  description: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  reason?: string;
  outputs: Outputs;
  applied: Array<{ phase: string; at: number }>;
  error?: EventError;
}

export interface RunActor {
  user: string;
  host: string;
  pid: number;
}

export type CheckpointStatus = 'running' | Exclude<RunStatus, 'planned'> | 'abandoned';

export interface Checkpoint {
  schemaVersion: number;
  runId: string;
  operation: Exclude<Operation, 'drill'>;
  mode: FailbackMode;
  runbook: string;
  runbookFile: string;
  digest: string;
  resources: string[];
  primaryUnavailable: boolean;
  status: CheckpointStatus;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  startedBy: RunActor;
  identities: VerifiedIdentity[];
  steps: StepState[];
  /** Set by drills: the parent drill run. */
  parentRunId?: string;
}

export async function writeCheckpoint(dir: StateDir, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(dir.checkpointFile(checkpoint.runId), `${JSON.stringify(checkpoint, null, 2)}\n`);
}

export async function readCheckpoint(dir: StateDir, runId: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(dir.checkpointFile(runId), 'utf8')) as Checkpoint;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Every run recorded under the state dir, newest first. */
export async function readAllCheckpoints(dir: StateDir): Promise<Checkpoint[]> {
  let ids: string[];
  try {
    ids = await readdir(dir.runsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const runs: Checkpoint[] = [];
  for (const id of ids) {
    const cp = await readCheckpoint(dir, id).catch(() => undefined);
    if (cp) runs.push(cp);
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}

const FINISHED: ReadonlySet<CheckpointStatus> = new Set(['succeeded', 'abandoned']);

/** A run that may be resumed: neither succeeded nor abandoned. */
export function isUnfinished(cp: Checkpoint): boolean {
  return !FINISHED.has(cp.status);
}

/**
 * Whether an unfinished run stands in the way of a *different* operation: it was cut short (running,
 * interrupted), waits at a gate (declined), or changed something. A run refused or failed before changing
 * anything leaves nothing half-done: it can be resumed by the same command, but blocks nobody else.
 */
export function holdsChanges(cp: Checkpoint): boolean {
  if (!isUnfinished(cp)) return false;
  if (cp.status === 'running' || cp.status === 'interrupted' || cp.status === 'declined') return true;
  return cp.steps.some((s) => s.applied.length > 0);
}

/** The newest unfinished run of a runbook, if any. */
export async function findUnfinishedRun(dir: StateDir, runbook: string): Promise<Checkpoint | undefined> {
  return (await readAllCheckpoints(dir)).find((cp) => cp.runbook === runbook && isUnfinished(cp));
}

export function sameSelection(cp: Checkpoint, operation: string, resources: string[], mode: FailbackMode): boolean {
  const a = [...cp.resources].sort().join(',');
  const b = [...resources].sort().join(',');
  return cp.operation === operation && a === b && (operation !== 'failback' || cp.mode === mode);
}
