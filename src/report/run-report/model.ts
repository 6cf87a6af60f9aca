/**
 * ReportInput → ReportModel: the one place that interprets checkpoints and journals for reports, so the Markdown,
 * HTML, JUnit and JSON views cannot disagree about outcomes, approvals or request ids. Pure.
 */
import type { StepState } from '../../engine/checkpoint.js';
import type { EventError, RunEvent } from '../../engine/events.js';
import type { DrillCheck, DrillMeasurement, DrillPhase, ReportInput, ReportKind, ReportRun } from './types.js';
import { journalDigest, serializeJournal, sha256Hex } from './journal.js';
import { planRunStatus, plannedStates, type PlannedState } from './plan-run.js';

/**
 * succeeded: the step changed something and finished; unchanged: it ran and found its work already done (a
 * passing check, or a resumed run's earlier work); skipped: it did not run by design (--primary-unavailable);
 * not-run: the run stopped before reaching it; running: started and never finished (interrupted).
 * In a dry run: planned (would act, or wait), refused (a safety check would refuse), unchanged (nothing to do).
 */
export type StepOutcome = 'succeeded' | 'unchanged' | 'skipped' | 'failed' | 'not-run' | 'running' | 'planned' | 'refused';

export interface ReportStep {
  runId: string;
  operation: string;
  key: string;
  /** The step key, prefixed by the operation in drills (a drill's failover and failback share step ids). */
  label: string;
  resource: string;
  id: string;
  kind: string;
  description: string;
  outcome: StepOutcome;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  attempts: number;
  reason?: string;
  error?: EventError;
  requestIds: string[];
}

export interface ReportApproval {
  runId: string;
  key: string;
  label: string;
  decision: 'granted' | 'declined';
  by: string;
  at: string;
  via?: string;
  reason?: string;
  question?: string;
}

export interface ReportAwsCall {
  runId: string;
  time: string;
  key?: string;
  service: string;
  operation: string;
  account: string;
  accountId: string;
  region: string;
  requestId?: string;
  outcome: 'ok' | 'error';
  errorName?: string;
  httpStatus?: number;
  durationMs: number;
  attempts?: number;
}

export interface ReportIdentity {
  account: string;
  accountId: string;
  arn: string;
}

export interface ReportRunSummary {
  runId: string;
  operation: string;
  mode: string;
  status: string;
  startedAt: string;
  endedAt: string;
  primaryUnavailable: boolean;
  digest: string;
  startedBy: { user: string; host: string; pid: number };
  /** How many times the run was resumed after an interruption or failure. */
  resumes: number;
  identities: ReportIdentity[];
}

export interface ReportMeasurement extends DrillMeasurement {
  /** undefined when not measured. */
  rtoMet?: boolean;
  rpoMet?: boolean;
}

export interface ReportModel {
  kind: ReportKind;
  runId: string;
  title: string;
  runbook: { name: string; file: string; digest: string };
  resources: string[];
  /** succeeded/failed/refused/... for a run; passed/failed for a drill. */
  outcome: string;
  ok: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  runs: ReportRunSummary[];
  identities: ReportIdentity[];
  steps: ReportStep[];
  approvals: ReportApproval[];
  awsCalls: ReportAwsCall[];
  drill?: { phases: DrillPhase[]; measurements: ReportMeasurement[]; checks: DrillCheck[]; restoreHint?: string };
  journal: { events: number; sha256: string; runs: Array<{ runId: string; events: number; sha256: string }> };
  notes: string[];
}

const OUTCOME_BY_STATUS: Record<StepState['status'], StepOutcome> = {
  done: 'succeeded',
  skipped: 'skipped',
  failed: 'failed',
  running: 'running',
  pending: 'not-run',
  planned: 'not-run',
};

const OUTCOME_BY_PLANNED_STATE: Record<PlannedState, StepOutcome> = {
  apply: 'planned',
  waiting: 'planned',
  after: 'planned',
  done: 'unchanged',
  blocked: 'refused',
  skipped: 'skipped',
};

function outcomeOf(state: StepState, planned: Map<string, PlannedState> | undefined): StepOutcome {
  const plan = planned?.get(state.key);
  if (plan && state.status !== 'failed') return OUTCOME_BY_PLANNED_STATE[plan];
  // The engine records "already in the desired state" as skipped too; only a step that never started was left out.
  if (state.status === 'skipped' && state.startedAt) return 'unchanged';
  return OUTCOME_BY_STATUS[state.status] ?? 'not-run';
}

function span(startedAt?: string, endedAt?: string): number | undefined {
  if (!startedAt || !endedAt) return undefined;
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function awsCallsOf(run: ReportRun): ReportAwsCall[] {
  return run.events.flatMap((e): ReportAwsCall[] => {
    if (e.type !== 'aws.call') return [];
    const call: ReportAwsCall = {
      runId: e.runId,
      time: e.time,
      service: e.service,
      operation: e.operation,
      account: e.account,
      accountId: e.accountId,
      region: e.region,
      outcome: e.outcome,
      durationMs: e.durationMs,
    };
    if (e.key !== undefined) call.key = e.key;
    if (e.requestId !== undefined) call.requestId = e.requestId;
    if (e.errorName !== undefined) call.errorName = e.errorName;
    if (e.httpStatus !== undefined) call.httpStatus = e.httpStatus;
    if (e.attempts !== undefined) call.attempts = e.attempts;
    return [call];
  });
}

function stepsOf(run: ReportRun, drill: boolean, calls: ReportAwsCall[]): ReportStep[] {
  const operation = run.checkpoint.operation;
  const planned = planRunStatus(run) ? plannedStates(run) : undefined;
  return run.checkpoint.steps.map((state) => {
    const step: ReportStep = {
      runId: run.checkpoint.runId,
      operation,
      key: state.key,
      label: drill ? `${operation} ${state.key}` : state.key,
      resource: state.resource,
      id: state.id,
      kind: state.kind,
      description: state.description,
      outcome: outcomeOf(state, planned),
      attempts: state.attempts,
      requestIds: calls.filter((c) => c.key === state.key && c.requestId).map((c) => c.requestId as string),
    };
    // A step skipped before it started (e.g. --primary-unavailable) has only an end time: it happened at that instant.
    const startedAt = state.startedAt ?? (state.status === 'skipped' ? state.endedAt : undefined);
    if (startedAt) step.startedAt = startedAt;
    if (state.endedAt) step.endedAt = state.endedAt;
    const duration = span(startedAt, state.endedAt);
    if (duration !== undefined) step.durationMs = duration;
    if (state.reason) step.reason = state.reason;
    if (state.error) step.error = state.error;
    return step;
  });
}

function approvalsOf(run: ReportRun, drill: boolean): ReportApproval[] {
  const runId = run.checkpoint.runId;
  const label = (key: string) => (drill ? `${run.checkpoint.operation} ${key}` : key);
  const questions = new Map<string, string>();
  const approvals: ReportApproval[] = [];
  for (const e of run.events) {
    if (e.type === 'approval.requested') questions.set(e.key, e.question);
    if (e.type === 'approval.granted' || e.type === 'approval.declined') {
      const approval: ReportApproval = { runId, key: e.key, label: label(e.key), decision: e.type === 'approval.granted' ? 'granted' : 'declined', by: e.by, at: e.time };
      if (e.type === 'approval.granted') approval.via = e.via;
      else approval.reason = e.reason;
      const question = questions.get(e.key);
      if (question) approval.question = question;
      approvals.push(approval);
    }
  }
  // A journal that lost its events (torn, deleted) still leaves the approver in the step outputs.
  for (const state of run.checkpoint.steps) {
    const by = state.outputs.approvedBy;
    const at = state.outputs.approvedAt;
    if (typeof by !== 'string' || typeof at !== 'string') continue;
    if (approvals.some((a) => a.key === state.key && a.decision === 'granted')) continue;
    const via = state.outputs.approvedVia;
    approvals.push({ runId, key: state.key, label: label(state.key), decision: 'granted', by, at, ...(typeof via === 'string' ? { via } : {}) });
  }
  return approvals;
}

function identitiesOf(run: ReportRun): ReportIdentity[] {
  const seen = new Map<string, ReportIdentity>();
  const add = (id: ReportIdentity) => seen.set(`${id.account}\u0000${id.arn}`, { account: id.account, accountId: id.accountId, arn: id.arn });
  for (const id of run.checkpoint.identities) add(id);
  for (const e of run.events) if (e.type === 'identity.verified') add(e);
  return [...seen.values()];
}

function runSummary(run: ReportRun): ReportRunSummary {
  const cp = run.checkpoint;
  return {
    runId: cp.runId,
    operation: planRunStatus(run) ? `${cp.operation} (plan)` : cp.operation,
    mode: cp.mode,
    status: planRunStatus(run) ?? cp.status,
    startedAt: cp.startedAt,
    endedAt: cp.finishedAt ?? cp.updatedAt,
    primaryUnavailable: cp.primaryUnavailable,
    digest: cp.digest,
    startedBy: { user: cp.startedBy.user, host: cp.startedBy.host, pid: cp.startedBy.pid },
    resumes: run.events.filter((e: RunEvent) => e.type === 'run.started' && e.resumed).length,
    identities: identitiesOf(run),
  };
}

function measure(m: DrillMeasurement): ReportMeasurement {
  const result: ReportMeasurement = { ...m };
  if (m.rtoMs !== undefined) result.rtoMet = m.rtoMs <= m.rtoTargetMs;
  if (m.rpoMs !== undefined) result.rpoMet = m.rpoMs <= m.rpoTargetMs;
  return result;
}

function dedupeIdentities(list: ReportIdentity[]): ReportIdentity[] {
  const seen = new Map<string, ReportIdentity>();
  for (const id of list) seen.set(`${id.account}\u0000${id.arn}`, id);
  return [...seen.values()].sort((a, b) => a.account.localeCompare(b.account) || a.arn.localeCompare(b.arn));
}

export function buildReportModel(input: ReportInput): ReportModel {
  const isDrill = input.kind === 'drill';
  const runs = input.runs.map(runSummary);
  const awsCalls = input.runs.flatMap(awsCallsOf);
  const steps = input.runs.flatMap((run) => stepsOf(run, isDrill, awsCalls.filter((c) => c.runId === run.checkpoint.runId)));
  const notes = [...(input.notes ?? [])];
  for (const run of runs) {
    if (run.digest !== input.runbook.digest) {
      notes.push(`run ${run.runId} used runbook digest ${run.digest}, not ${input.runbook.digest}: the runbook changed between runs`);
    }
  }
  if (input.runs.length === 0) notes.push('no run was recorded: the report holds no steps');
  const drill = input.drill
    ? {
        phases: input.drill.phases,
        measurements: input.drill.measurements.map(measure),
        checks: input.drill.checks,
        ...(input.drill.restoreHint ? { restoreHint: input.drill.restoreHint } : {}),
      }
    : undefined;
  const runsOk = runs.length > 0 && runs.every((r) => r.status === 'succeeded' || r.status === 'planned');
  let outcome: string;
  let ok: boolean;
  if (drill) {
    ok =
      runsOk &&
      drill.phases.every((p) => p.outcome !== 'failed') &&
      drill.checks.every((c) => c.ok) &&
      drill.measurements.every((m) => m.rtoMet !== false && m.rpoMet !== false);
    outcome = ok ? 'passed' : 'failed';
  } else {
    outcome = runs[0]?.status ?? 'not run';
    ok = runsOk;
  }
  const starts = [...runs.map((r) => r.startedAt), ...(drill?.phases.map((p) => p.startedAt) ?? [])].filter(Boolean).sort();
  const ends = [...runs.map((r) => r.endedAt), ...(drill?.phases.flatMap((p) => (p.endedAt ? [p.endedAt] : [])) ?? [])].sort();
  const startedAt = starts[0];
  const endedAt = ends[ends.length - 1];
  const durationMs = span(startedAt, endedAt);
  const perRun = input.runs.map((run) => ({ runId: run.checkpoint.runId, events: run.events.length, sha256: sha256Hex(serializeJournal(run.events)) }));
  const resourceLabel = input.resources.join(', ');
  const model: ReportModel = {
    kind: input.kind,
    runId: input.runId,
    title: `drctl ${input.kind} of ${resourceLabel || input.runbook.name} (runbook ${input.runbook.name})`,
    runbook: input.runbook,
    resources: input.resources,
    outcome,
    ok,
    runs,
    identities: dedupeIdentities(runs.flatMap((r) => r.identities)),
    steps,
    approvals: input.runs.flatMap((run) => approvalsOf(run, isDrill)),
    awsCalls,
    journal: { events: perRun.reduce((n, r) => n + r.events, 0), sha256: journalDigest(input.runs), runs: perRun },
    notes,
  };
  if (startedAt) model.startedAt = startedAt;
  if (endedAt) model.endedAt = endedAt;
  if (durationMs !== undefined) model.durationMs = durationMs;
  if (drill) model.drill = drill;
  return model;
}
