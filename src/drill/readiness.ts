/**
 * Drill readiness: would a failover be allowed to start now, and would it change anything? `drctl drill --dry-run`
 * is only this (nothing changes); a full drill starts with it.
 */
import { AwsCallError } from '../aws/errors.js';
import { runOperation } from '../engine/run.js';
import type { RunOutcome } from '../engine/run.js';
import { ExitCode } from '../errors.js';
import { planIamPolicies } from '../iam/policy.js';
import { writeDrillRecord } from '../report/run-report/drill-record.js';
import type { DrillRecord } from '../report/run-report/types.js';
import { phaseFailure, unreachablePrimaryRegion } from './failures.js';
import { drillCalls } from './iam-calls.js';
import { newDrillRecord } from './records.js';
import type { DrillOutcome, DrillRequest } from './types.js';

export interface Readiness {
  ready: boolean;
  exitCode: number;
  status: DrillRecord['status'];
  detail: string;
  /** The failover plan's run id, when the plan ran to its end. */
  planRunId?: string;
  /** Set when the primary region did not answer at all. */
  unreachableRegion?: string;
}

/**
 * Plans the failover (a dry run) and judges it. The detail quotes each refusal with its hint (what to do); an AWS
 * call that fails outright — a region that does not answer, a role that cannot be assumed — makes the drill not
 * ready instead of ending it with an error, so the readiness record and its reports say why.
 */
export async function checkReadiness(req: DrillRequest, parentRunId?: string): Promise<Readiness> {
  const problems: string[] = [];
  const stop = req.bus.subscribe((e) => {
    if (e.type === 'step.planned' && e.state === 'blocked') problems.push(`${e.key} would refuse: ${e.reason.replace(/^would refuse: /, '')}`);
    if (e.type === 'step.failed') problems.push(`${e.key} could not be observed: ${e.error.message}`);
  });
  try {
    const plan = await runOperation({ ...req, operation: 'failover', flags: { ...req.flags, dryRun: true }, ...(parentRunId ? { parentRunId } : {}) });
    const planError = plan.failures[0]?.error;
    if (planError instanceof AwsCallError) return notReadyAfterAwsError(planError, req);
    const verdict = readinessVerdict(plan);
    const detail = verdict.ready || problems.length === 0 ? verdict.detail : `not ready: ${problems.join('; ')}`;
    return { ...verdict, detail, status: verdict.ready ? 'succeeded' : verdict.exitCode === ExitCode.refused ? 'refused' : 'failed', planRunId: plan.runId };
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    return notReadyAfterAwsError(err, req);
  } finally {
    stop();
  }
}

function notReadyAfterAwsError(err: AwsCallError, req: DrillRequest): Readiness {
  const unreachableRegion = unreachablePrimaryRegion(err, req);
  const failure = phaseFailure(err);
  const detail = unreachableRegion ? `not ready: the primary region ${unreachableRegion} did not answer (${err.message})` : `not ready: ${failure.detail}`;
  return { ready: false, exitCode: failure.exitCode, status: failure.status, detail, ...(unreachableRegion ? { unreachableRegion } : {}) };
}

/** --dry-run: readiness only. Identity, observed state and both plans; nothing changes. */
export async function runReadiness(req: DrillRequest): Promise<DrillOutcome> {
  const record = newDrillRecord(req, 'drill-readiness');
  const startedAt = new Date(req.clock.now()).toISOString();
  const readiness = await checkReadiness(req, record.runId);
  if (readiness.planRunId) {
    // The failback plan, as if the failover had run; not worth trying when the failover could not even be planned.
    const failback = await runOperation({ ...req, operation: 'failback', parentRunId: record.runId, planAfter: 'failover' });
    record.childRunIds.push(readiness.planRunId, failback.runId);
  }
  // The permissions those plans need, derived from the same step declarations (docs: drctl iam-policy).
  for (const account of planIamPolicies(req.runbook, req.resources, { extraCalls: drillCalls(req.runbook, req.resources) })) {
    const actions = [...new Set(account.policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
    req.bus.emit({ type: 'note', message: `IAM actions needed in account ${account.account} (${account.accountId}): ${actions.join(', ')} — full policy: drctl iam-policy ${req.resources.map((r) => `--fs ${r}`).join(' ')}` });
  }
  record.drill.phases.push({ name: 'readiness', startedAt, endedAt: new Date(req.clock.now()).toISOString(), outcome: readiness.ready ? 'ok' : 'failed', detail: readiness.detail });
  record.drill.checks.push({ name: 'ready for failover', ok: readiness.ready, detail: readiness.detail });
  req.bus.emit({ type: 'note', message: `drill readiness: ${readiness.ready ? 'READY' : 'NOT READY'}: ${readiness.detail}` });
  record.status = readiness.status;
  record.finishedAt = new Date(req.clock.now()).toISOString();
  await writeDrillRecord(req.stateDir, record);
  return { runId: record.runId, status: record.status, exitCode: readiness.exitCode, record };
}

/**
 * Ready means: the failover plan passes every check AND would actually fail something over. A resource already
 * failed over passes its checks with nothing to change — it is not ready for a drill until it is failed back.
 */
export function readinessVerdict(failover: RunOutcome): { ready: boolean; exitCode: number; detail: string } {
  const planned = failover.planned;
  if (failover.exitCode !== ExitCode.ok || !planned) {
    const why = planned?.refusals.length ? planned.refusals.join('; ') : `failover plan ${failover.status}`;
    return { ready: false, exitCode: failover.exitCode === ExitCode.ok ? ExitCode.stepFailed : failover.exitCode, detail: `not ready: ${why}` };
  }
  if (planned.wouldChange.length === 0) {
    return { ready: false, exitCode: ExitCode.refused, detail: 'not ready: the failover would change nothing — the resources are already failed over (run failback first)' };
  }
  return { ready: true, exitCode: ExitCode.ok, detail: 'ready: roles assumable, account ids verified, every failover check passes (state, replication, lag within RPO)' };
}
