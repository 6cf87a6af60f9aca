/**
 * --dry-run: observe and decide every step, never apply. Steps downstream of one that would act are shown with
 * every call they may make (their observation would change once the upstream step ran). The AWS layer refuses
 * mutating calls in this mode regardless, so this module cannot change anything even by mistake.
 */
import { findStepKind } from '../steps/registry.js';
import type { Decision } from '../steps/types.js';
import type { Checkpoint, StepState } from './checkpoint.js';
import { describeContextFor, orderSteps } from './plan.js';
import type { Plan } from './plan.js';
import type { ContextDeps } from './step-context.js';
import { buildStepContext } from './step-context.js';
import { currentStepKey, toEventError } from './execute.js';
import { isRetryableError, planRetryDelay } from './retry.js';

export interface DryRunResult {
  /** true when a preflight or safety check would refuse. */
  refused: boolean;
  /** What would refuse, `<step>: <reason>`, for summaries. */
  refusals: string[];
  /** Steps that would change something in AWS (apply decisions with calls). */
  wouldChange: string[];
  failed: boolean;
  /** Ctrl-C: planning stopped before every step was observed. */
  interrupted?: boolean;
  decisions: Array<{ key: string; decision: Decision | { state: 'after'; upstream: string[] } | { state: 'skipped'; reason: string } }>;
}

/**
 * `assumeAfter`: plan as if that (not yet run) operation had happened first — a drill's failback plan cannot be
 * observed before its failover, so every step lists the calls it may make.
 */
export async function planDryRun(deps: ContextDeps & { plan: Plan; checkpoint: Checkpoint; assumeAfter?: string }): Promise<DryRunResult> {
  const pending = new Set<string>();
  // Resources whose procedure a step found already complete: their later steps are shown as skipped.
  const settled = new Map<string, string>();
  const result: DryRunResult = { refused: false, refusals: [], wouldChange: [], failed: false, decisions: [] };
  for (const step of orderSteps(deps.plan.steps)) {
    // Ctrl-C: stop observing (a slow or unreachable region would otherwise keep the operator waiting for nothing).
    if (deps.signal.aborted) {
      result.interrupted = true;
      break;
    }
    const kind = findStepKind(step.kind);
    if (!kind) continue;
    const state: StepState = deps.checkpoint.steps.find((s) => s.key === step.key) ?? {
      key: step.key, resource: step.resource, id: step.id, kind: step.kind, description: step.description,
      status: 'pending', attempts: 0, outputs: {}, applied: [],
    };
    deps.events.emit({ type: 'step.started', key: step.key, resource: step.resource, stepId: step.id, kind: step.kind, description: step.description });
    const skipReason = step.skipReason ?? settled.get(step.resource);
    if (skipReason) {
      deps.events.emit({ type: 'step.planned', key: step.key, reason: `skipped: ${skipReason}`, calls: [], afterPending: false, state: 'skipped' });
      result.decisions.push({ key: step.key, decision: { state: 'skipped', reason: skipReason } });
      continue;
    }
    const upstream = deps.assumeAfter ? [deps.assumeAfter] : step.needs.filter((n) => pending.has(n));
    if (upstream.length > 0) {
      const dctx = describeContextFor(deps.runbook, step.resource, deps.operation, deps.flags);
      const calls = kind.calls(step.params, dctx);
      deps.events.emit({ type: 'step.planned', key: step.key, reason: `after ${upstream.join(', ')}`, calls, afterPending: true, state: 'after' });
      result.decisions.push({ key: step.key, decision: { state: 'after', upstream } });
      pending.add(step.key);
      continue;
    }
    try {
      const decision = await currentStepKey.run(step.key, () => observeAndDecide(deps, step, state));
      result.decisions.push({ key: step.key, decision });
      if (decision.state === 'done') {
        deps.events.emit({ type: 'step.planned', key: step.key, reason: `already done: ${decision.reason}`, calls: [], afterPending: false, state: 'done' });
        if (decision.procedureDone) settled.set(step.resource, `nothing to do: ${step.key} found ${step.resource} already where this procedure leads`);
        continue;
      }
      // Gates and local commands change nothing in AWS: what follows them can still be observed as it is now.
      const dctx = describeContextFor(deps.runbook, step.resource, deps.operation, deps.flags);
      if (!(decision.state === 'apply' && kind.calls(step.params, dctx).length === 0)) pending.add(step.key);
      if (decision.state === 'apply' && decision.calls.length > 0) result.wouldChange.push(step.key);
      if (decision.state === 'apply') {
        deps.events.emit({ type: 'step.planned', key: step.key, reason: decision.reason, calls: decision.calls, afterPending: false, state: 'apply' });
      } else if (decision.state === 'waiting') {
        deps.events.emit({ type: 'step.planned', key: step.key, reason: `in progress, would wait: ${decision.reason}`, calls: [], afterPending: false, state: 'waiting' });
      } else {
        result.refused = true;
        result.refusals.push(`${step.key}: ${decision.reason}`);
        deps.events.emit({ type: 'step.planned', key: step.key, reason: `would refuse: ${decision.reason} (${decision.hint})`, calls: [], afterPending: false, state: 'blocked' });
      }
    } catch (err) {
      if (deps.signal.aborted) {
        result.interrupted = true;
        break;
      }
      result.failed = true;
      pending.add(step.key);
      deps.events.emit({ type: 'step.failed', key: step.key, durationMs: 0, error: toEventError(err) });
    }
  }
  return result;
}

async function observeAndDecide(deps: ContextDeps & { plan: Plan }, step: Plan['steps'][number], state: StepState): Promise<Decision> {
  const kind = findStepKind(step.kind);
  if (!kind) throw new Error(`unknown step kind ${step.kind}`);
  for (let attempt = 1; ; attempt++) {
    try {
      const ctx = buildStepContext(deps, step, state);
      const obs = await kind.observe(ctx, step.params);
      return kind.decide(obs, step.params, ctx);
    } catch (err) {
      if (!isRetryableError(err) || attempt >= step.retry.maxAttempts) throw err;
      await deps.clock.sleep(planRetryDelay(step.retry, attempt, Math.random()), deps.signal);
    }
  }
}
