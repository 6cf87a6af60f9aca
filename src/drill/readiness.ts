/**
 * Drill readiness: would a failover be allowed to start now, and would it change anything? `drctl drill --dry-run`
 * is only this (nothing changes); a full drill starts with it. Also how a phase's failure is told to the operator.
 */
import { AwsCallError } from '../aws/errors.js';
import { resolveTarget } from '../engine/plan.js';
import { runOperation } from '../engine/run.js';
import type { RunOutcome } from '../engine/run.js';
import { DrctlError, ExitCode, InterruptedError, RefusedError } from '../errors.js';
import { planIamPolicies } from '../iam/policy.js';
import { writeDrillRecord } from '../report/run-report/drill-record.js';
import { drillCalls } from './iam-calls.js';
import { newDrillRecord } from './records.js';
import type { DrillOutcome, DrillRequest, PhaseFailure } from './types.js';

/** A phase that threw: the error's message and what to do (its hint), and the exit code it stands for. */
export function phaseFailure(err: unknown): PhaseFailure {
  if (!(err instanceof DrctlError)) return { ok: false, detail: (err as Error).message, exitCode: ExitCode.stepFailed, status: 'failed' };
  const status = err instanceof RefusedError ? 'refused' : err instanceof InterruptedError ? 'interrupted' : 'failed';
  return { ok: false, detail: err.hint ? `${err.message} — ${err.hint}` : err.message, exitCode: err.exitCode, status };
}

/** The primary region of a selected resource when `err` says it did not answer at all (no HTTP response). */
export function unreachablePrimaryRegion(err: unknown, req: DrillRequest): string | undefined {
  if (!(err instanceof AwsCallError) || !err.retryable || err.httpStatus !== undefined) return undefined;
  const primaries = req.resources.flatMap((name) => {
    const spec = req.runbook.filesystems[name];
    return spec ? [resolveTarget(req.runbook, spec, 'primary').region] : [];
  });
  return primaries.includes(err.region) ? err.region : undefined;
}

/** --dry-run: readiness only. Identity, observed state and both plans; nothing changes. */
export async function runReadiness(req: DrillRequest): Promise<DrillOutcome> {
  const record = newDrillRecord(req, 'drill-readiness');
  const startedAt = new Date(req.clock.now()).toISOString();
  const failover = await runOperation({ ...req, operation: 'failover', parentRunId: record.runId });
  const failback = await runOperation({ ...req, operation: 'failback', parentRunId: record.runId, planAfter: 'failover' });
  record.childRunIds.push(failover.runId, failback.runId);
  // The permissions those plans need, derived from the same step declarations (docs: drctl iam-policy).
  for (const account of planIamPolicies(req.runbook, req.resources, { extraCalls: drillCalls(req.runbook, req.resources) })) {
    const actions = [...new Set(account.policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
    req.bus.emit({ type: 'note', message: `IAM actions needed in account ${account.account} (${account.accountId}): ${actions.join(', ')} — full policy: drctl iam-policy ${req.resources.map((r) => `--fs ${r}`).join(' ')}` });
  }
  const verdict = readinessVerdict(failover);
  record.drill.phases.push({ name: 'readiness', startedAt, endedAt: new Date(req.clock.now()).toISOString(), outcome: verdict.ready ? 'ok' : 'failed', detail: verdict.detail });
  record.drill.checks.push({ name: 'ready for failover', ok: verdict.ready, detail: verdict.detail });
  req.bus.emit({ type: 'note', message: `drill readiness: ${verdict.ready ? 'READY' : 'NOT READY'}: ${verdict.detail}` });
  record.status = verdict.ready ? 'succeeded' : verdict.exitCode === ExitCode.refused ? 'refused' : 'failed';
  record.finishedAt = new Date(req.clock.now()).toISOString();
  await writeDrillRecord(req.stateDir, record);
  return { runId: record.runId, status: record.status, exitCode: verdict.exitCode, record };
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
