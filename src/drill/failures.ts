/**
 * How a drill tells a failure to the operator: what stopped (the error and what to do about it), where a failover
 * or failback run stopped, and the command that goes on from there. An unreachable primary region is named as
 * such: the generic advice for it (--primary-unavailable) is for real outages, not for drills.
 */
import { AwsCallError } from '../aws/errors.js';
import { resolveTarget } from '../engine/plan.js';
import type { RunOutcome } from '../engine/run.js';
import { DrctlError, ExitCode, InterruptedError, RefusedError } from '../errors.js';
import type { DrillRequest, PhaseFailure } from './types.js';

/** The key the engine gives a failure before any step ran (account identities). */
const PREFLIGHT_KEY = '(preflight)';

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

/** Where a child run stopped: "at <step>", or before its first step when the account checks failed. */
function stoppedWhere(req: DrillRequest, outcome: RunOutcome): { where: string; step?: string; unreachable?: string } {
  const first = outcome.failures[0];
  if (!first) return { where: `while ${outcome.status}` };
  const unreachable = unreachablePrimaryRegion(first.error, req);
  const where = first.key === PREFLIGHT_KEY ? 'before its first step (verifying the accounts)' : `at ${first.key}`;
  return { where, ...(first.key === PREFLIGHT_KEY ? {} : { step: first.key }), ...(unreachable ? { unreachable } : {}) };
}

/** The failed phase of a failover or failback run that did not succeed. */
export function childRunFailure(req: DrillRequest, operation: 'failover' | 'failback', outcome: RunOutcome): PhaseFailure {
  const first = outcome.failures[0];
  const { where, unreachable } = stoppedWhere(req, outcome);
  const hint = unreachable ? `the primary region ${unreachable} did not answer` : first?.error.hint;
  const why = first ? `: ${first.error.message}${hint ? ` — ${hint}` : ''}` : '';
  return { ok: false, detail: `${operation} run ${outcome.runId} ${outcome.status} ${where}${why}`, exitCode: outcome.exitCode, status: outcome.status === 'planned' ? 'failed' : outcome.status };
}

/** Where a failover or failback run of the drill stopped, and how to go on from there (the drill's restoreHint). */
export function stoppedRunHint(req: DrillRequest, operation: 'failover' | 'failback', outcome: RunOutcome, fsFlags: string): string {
  const done = (outcome.checkpoint?.steps ?? []).filter((s) => s.status === 'done' || s.status === 'skipped').map((s) => s.key);
  const { where, step, unreachable } = stoppedWhere(req, outcome);
  const state = `The ${operation} (run ${outcome.runId}) stopped ${where}${done.length > 0 ? ` after ${done.join(', ')}` : ''}.`;
  const when = unreachable ? `Once ${unreachable} answers again,` : `Fix the cause shown ${step ? `for ${step}` : 'above'}, then`;
  const resume = `${when} re-run \`drctl drill ${fsFlags}\`: it resumes that ${operation} run${step ? ` at ${step}` : ''} (finished steps and drill phases are not repeated) and completes the drill.`;
  const byHand =
    operation === 'failover'
      ? `To give up the drill instead: \`drctl failover ${fsFlags}\` to finish failing over, then \`drctl failback ${fsFlags}\`.`
      : `To give up the drill instead, finish the failback by hand with \`drctl failback ${fsFlags}\` (it resumes the same run).`;
  return `${state} ${resume} ${byHand}`;
}
