/**
 * Dry runs (plans, and the readiness part of `drctl drill --dry-run`) keep a journal but no checkpoint: nothing
 * ran. These helpers let reports show them — the steps come from `run.started`, what each would do from its
 * `step.planned` event — so readiness is evidence like any other run.
 */
import type { Checkpoint, RunActor, StepState } from '../../engine/checkpoint.js';
import type { RunEvent, RunStatus } from '../../engine/events.js';
import type { ReportRun } from './types.js';

export type PlannedState = NonNullable<Extract<RunEvent, { type: 'step.planned' }>['state']>;

/** The status a dry run finished with ('planned', 'refused', 'failed'), or undefined for a real run. */
export function planRunStatus(run: ReportRun): RunStatus | undefined {
  const started = run.events.find((e) => e.type === 'run.started');
  if (!started || started.type !== 'run.started' || !started.dryRun) return undefined;
  const finished = [...run.events].reverse().find((e) => e.type === 'run.finished');
  return finished?.type === 'run.finished' ? finished.status : 'planned';
}

/** What the plan said each step would do, by step key. */
export function plannedStates(run: ReportRun): Map<string, PlannedState> {
  const states = new Map<string, PlannedState>();
  for (const e of run.events) if (e.type === 'step.planned') states.set(e.key, e.state ?? (e.afterPending ? 'after' : 'apply'));
  return states;
}

const UNKNOWN_ACTOR: RunActor = { user: 'unknown', host: 'unknown', pid: 0 };

/** A checkpoint rebuilt from a dry run's journal; undefined when the journal does not start a run. */
export function checkpointFromPlanJournal(runId: string, events: RunEvent[], actor: RunActor = UNKNOWN_ACTOR): Checkpoint | undefined {
  const started = events.find((e) => e.type === 'run.started');
  if (!started || started.type !== 'run.started' || started.operation === 'drill') return undefined;
  const timeOf = (type: RunEvent['type'], key: string) => events.find((e) => e.type === type && 'key' in e && e.key === key)?.time;
  const steps: StepState[] = started.steps.map((s) => {
    const [resource = '', ...rest] = s.key.split('/');
    const planned = events.find((e) => e.type === 'step.planned' && e.key === s.key);
    const failed = events.find((e) => e.type === 'step.failed' && e.key === s.key);
    const state: StepState = { key: s.key, resource, id: rest.join('/'), kind: s.kind, description: s.description, status: failed ? 'failed' : planned ? 'planned' : 'pending', attempts: 0, outputs: {}, applied: [] };
    const startedAt = timeOf('step.started', s.key);
    const endedAt = planned?.time ?? failed?.time;
    if (startedAt) state.startedAt = startedAt;
    if (endedAt) state.endedAt = endedAt;
    if (planned?.type === 'step.planned') state.reason = planned.reason;
    if (failed?.type === 'step.failed') state.error = failed.error;
    return state;
  });
  const finished = [...events].reverse().find((e) => e.type === 'run.finished');
  const status = finished?.type === 'run.finished' ? finished.status : 'running';
  const last = events[events.length - 1]?.time ?? started.time;
  return {
    schemaVersion: 1,
    runId,
    operation: started.operation,
    mode: 'preserve',
    runbook: started.runbook,
    runbookFile: started.runbookFile,
    digest: started.digest,
    resources: started.resources,
    primaryUnavailable: false,
    // A plan that went through is not a run that succeeded; reports show planRunStatus() instead.
    status: status === 'planned' ? 'succeeded' : status,
    startedAt: started.time,
    updatedAt: last,
    ...(finished ? { finishedAt: finished.time } : {}),
    startedBy: actor,
    identities: [],
    steps,
  };
}
