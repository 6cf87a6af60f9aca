/**
 * execute: walks the planned step graph. Each step: observe → decide → (skip | refuse | apply → wait until done).
 * Independent steps run in parallel under a limit; every transition is checkpointed; retryable AWS errors are
 * retried per the step's policy; Ctrl-C (the abort signal) lets in-flight calls finish, then stops.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DeclinedError, DrctlError, InterruptedError, RefusedError, StepError, errorMessage } from '../errors.js';
import { findStepKind } from '../steps/registry.js';
import type { AnyStepKind, Decision, Outputs } from '../steps/types.js';
import type { Checkpoint, StepState } from './checkpoint.js';
import type { EventError, RunStatus } from './events.js';
import type { Plan, PlannedStep } from './plan.js';
import { describeContextFor } from './plan.js';
import { isRetryableError, planPollDelay, planRetryDelay } from './retry.js';
import type { ContextDeps } from './step-context.js';
import { buildStepContext } from './step-context.js';
import { renderDuration } from '../util/duration.js';

/** Which step an AWS call belongs to, for the journal (steps run concurrently). */
export const currentStepKey = new AsyncLocalStorage<string>();

export interface ExecuteDeps extends ContextDeps {
  plan: Plan;
  checkpoint: Checkpoint;
  parallel: number;
  /** Persists the checkpoint (atomic, serialised by the caller). */
  persist(): Promise<void>;
  random?: () => number;
}

export interface ExecuteResult {
  status: Exclude<RunStatus, 'planned'>;
  failures: Array<{ key: string; error: DrctlError }>;
}

export function toEventError(err: unknown): EventError {
  const base: EventError = { code: err instanceof DrctlError ? err.code : 'internal-error', message: errorMessage(err) };
  if (err instanceof DrctlError && err.hint) base.hint = err.hint;
  const aws = err as { awsErrorName?: string; requestId?: string };
  if (aws.awsErrorName) base.awsErrorName = aws.awsErrorName;
  if (aws.requestId) base.requestId = aws.requestId;
  return base;
}

function asDrctlError(err: unknown, key: string): DrctlError {
  if (err instanceof DrctlError) return err;
  return new StepError('internal-error', `${key}: unexpected error (this is a bug in drctl): ${errorMessage(err)}`, {
    hint: 'Re-running resumes at this step. Please report the error with the run journal.',
    cause: err,
  });
}

function kindFor(step: PlannedStep): AnyStepKind {
  const kind = findStepKind(step.kind);
  if (!kind) throw new StepError('unknown-step-kind', `${step.key}: unknown step kind ${step.kind}`);
  return kind;
}

export async function executePlan(deps: ExecuteDeps): Promise<ExecuteResult> {
  const states = new Map(deps.checkpoint.steps.map((s) => [s.key, s]));
  const failures: Array<{ key: string; error: DrctlError }> = [];
  const inFlight = new Map<string, Promise<void>>();
  const finished = (key: string) => {
    const status = states.get(key)?.status;
    return status === 'done' || status === 'skipped';
  };

  const launch = (step: PlannedStep) => {
    const state = states.get(step.key);
    if (!state) throw new Error(`no state for ${step.key}`);
    const promise = currentStepKey
      .run(step.key, () => runStep(deps, step, state))
      .catch((err: unknown) => {
        const error = asDrctlError(err, step.key);
        if (error instanceof InterruptedError) return;
        failures.push({ key: step.key, error });
      })
      .finally(() => inFlight.delete(step.key));
    inFlight.set(step.key, promise);
  };

  for (;;) {
    if (!deps.signal.aborted) {
      const failedKeys = new Set(failures.map((f) => f.key));
      for (const step of deps.plan.steps) {
        if (inFlight.size >= deps.parallel) break;
        if (inFlight.has(step.key) || finished(step.key) || failedKeys.has(step.key)) continue;
        if (step.needs.every(finished)) launch(step);
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }

  const allFinished = deps.plan.steps.every((s) => finished(s.key));
  let status: ExecuteResult['status'] = 'succeeded';
  if (allFinished && failures.length === 0) status = 'succeeded';
  else if (deps.signal.aborted) status = 'interrupted';
  else if (failures.some((f) => f.error instanceof DeclinedError)) status = 'declined';
  else if (failures.some((f) => f.error instanceof RefusedError)) status = 'refused';
  else status = 'failed';
  return { status, failures };
}

async function runStep(deps: ExecuteDeps, step: PlannedStep, state: StepState): Promise<void> {
  const kind = kindFor(step);
  const started = deps.clock.now();
  if (step.skipReason) {
    await transition(deps, state, { status: 'skipped', reason: step.skipReason, endedAt: iso(deps, started) });
    deps.events.emit({ type: 'step.done', key: step.key, skipped: true, reason: step.skipReason, durationMs: 0, outputs: {} });
    return;
  }
  await transition(deps, state, { status: 'running', startedAt: state.startedAt ?? iso(deps, started), error: undefined });
  deps.events.emit({ type: 'step.started', key: step.key, resource: step.resource, stepId: step.id, kind: step.kind, description: step.description });

  for (let retry = 0; ; retry++) {
    state.attempts += 1;
    try {
      const { skipped, reason, procedureDone } = await attemptStep(deps, kind, step, state);
      await transition(deps, state, { status: skipped ? 'skipped' : 'done', reason, endedAt: iso(deps, deps.clock.now()) });
      deps.events.emit({ type: 'step.done', key: step.key, skipped, reason, durationMs: deps.clock.now() - started, outputs: state.outputs });
      if (procedureDone && skipped) await skipRestOfProcedure(deps, step);
      return;
    } catch (err) {
      if (deps.signal.aborted) {
        await deps.persist();
        throw new InterruptedError(`${step.key} interrupted`);
      }
      // Counted in this run: a resumed step gets its whole retry budget again (state.attempts keeps the total).
      if (isRetryableError(err) && retry + 1 < step.retry.maxAttempts) {
        const delayMs = planRetryDelay(step.retry, retry + 1, (deps.random ?? Math.random)());
        deps.events.emit({ type: 'step.retrying', key: step.key, attempt: state.attempts, delayMs, error: toEventError(err) });
        await deps.persist();
        try {
          await deps.clock.sleep(delayMs, deps.signal);
        } catch {
          throw new InterruptedError(`${step.key} interrupted`);
        }
        continue;
      }
      const error = asDrctlError(err, step.key);
      await transition(deps, state, { status: 'failed', error: toEventError(error), endedAt: iso(deps, deps.clock.now()) });
      deps.events.emit({ type: 'step.failed', key: step.key, durationMs: deps.clock.now() - started, error: toEventError(error) });
      throw error;
    }
  }
}

/** One attempt: observe, decide, act and wait. Returns whether the step found its work already done. */
async function attemptStep(
  deps: ExecuteDeps,
  kind: AnyStepKind,
  step: PlannedStep,
  state: StepState,
): Promise<{ skipped: boolean; reason: string; procedureDone?: boolean }> {
  const ctx = buildStepContext(deps, step, state);
  let obs = await kind.observe(ctx, step.params);
  let decision = kind.decide(obs, step.params, ctx);
  let appliedThisAttempt = false;
  // "Skipped" means the first look found the work already done: no apply, no wait.
  const doneAtFirstLook = decision.state === 'done';
  let waitStarted: number | undefined;
  let polls = 0;
  let failedPollsInARow = 0;
  let lastReason = '';

  for (;;) {
    if (decision.state === 'done') {
      Object.assign(state.outputs, decision.outputs ?? {});
      const skipped = doneAtFirstLook && state.applied.length === 0 && !appliedThisAttempt;
      return { skipped, reason: decision.reason, ...(decision.procedureDone ? { procedureDone: true } : {}) };
    }
    if (decision.state === 'blocked') {
      throw new RefusedError('step-refused', `${step.key}: ${decision.reason}`, { hint: decision.hint });
    }
    const phase = decision.state === 'apply' ? decision.phase : undefined;
    if (phase !== undefined && !state.applied.some((a) => a.phase === phase)) {
      deps.events.emit({ type: 'step.applying', key: step.key, phase, reason: decision.reason });
      const outputs = await kind.apply(ctx, step.params, obs, phase);
      state.applied.push({ phase, at: deps.clock.now() });
      appliedThisAttempt = true;
      if (outputs) Object.assign(state.outputs, outputs);
      await deps.persist();
      if (!kind.wait) return { skipped: false, reason: decision.reason };
      // The apply's own reason is not news: the next waiting line comes from the next observation.
      lastReason = decision.reason;
    } else if (!kind.wait) {
      // Applied in an earlier attempt whose completion was not recorded (crash right after apply).
      if (phase !== undefined) return { skipped: false, reason: decision.reason };
      throw new StepError('step-stuck', `${step.key}: ${decision.reason}`, {
        hint: 'This step cannot wait; re-run once the condition has cleared.',
      });
    }
    // Wait: re-observe with backoff until done or the timeout.
    const wait = kind.wait;
    if (!wait) throw new StepError('step-stuck', `${step.key}: nothing to wait for`);
    waitStarted ??= deps.clock.now();
    const timeoutMs = step.timeoutMs ?? wait.timeoutMs;
    const elapsed = deps.clock.now() - waitStarted;
    const reason = decision.reason;
    if (elapsed > timeoutMs) {
      // The step wants a phase it already applied: resuming would only wait again (a phase is never applied twice).
      const sent = phase !== undefined ? state.applied.find((a) => a.phase === phase) : undefined;
      throw new StepError('wait-timeout', `${step.key}: still not done after ${renderDuration(elapsed)}: ${reason}`, {
        hint: sent
          ? `drctl already applied '${phase}' at ${iso(deps, sent.at)}, but AWS still shows the state before it (was it undone, or did it never take effect?). Check ${step.resource} in AWS; re-running the same command only keeps waiting, \`drctl ${deps.operation} --fs ${step.resource} --new-run\` starts over and applies it again.`
          : 'Re-run the same command to keep waiting (the run resumes here), or raise the step\'s `timeout:` in the runbook.',
      });
    }
    if (reason !== lastReason || (polls > 0 && polls % 10 === 0)) {
      deps.events.emit({ type: 'step.waiting', key: step.key, reason, elapsedMs: elapsed });
      lastReason = reason;
    }
    polls += 1;
    const basePollMs = Math.max(1, wait.pollMs * deps.flags.pollScale);
    await deps.clock.sleep(planPollDelay(basePollMs, polls), deps.signal);
    try {
      obs = await kind.observe(ctx, step.params);
      failedPollsInARow = 0;
    } catch (err) {
      // A look that failed transiently (throttling, a network blip) does not end a wait that may last hours: the
      // next poll looks again. Only maxAttempts failed looks in a row end this attempt.
      failedPollsInARow += 1;
      if (deps.signal.aborted || !isRetryableError(err) || failedPollsInARow >= step.retry.maxAttempts) throw err;
      deps.events.emit({ type: 'step.retrying', key: step.key, attempt: state.attempts, delayMs: planPollDelay(basePollMs, polls + 1), error: toEventError(err) });
      continue;
    }
    decision = kind.decide(obs, step.params, ctx) as Decision;
  }
}

/**
 * A step found the resource already where its whole procedure leads (a re-run after it finished): the steps of
 * that resource that have not started are skipped, so nothing is asked or called again.
 */
async function skipRestOfProcedure(deps: ExecuteDeps, step: PlannedStep): Promise<void> {
  const skipReason = `nothing to do: ${step.key} found ${step.resource} already where this procedure leads`;
  for (const state of deps.checkpoint.steps) {
    if (state.resource !== step.resource || state.key === step.key || state.status !== 'pending') continue;
    await transition(deps, state, { status: 'skipped', reason: skipReason, endedAt: iso(deps, deps.clock.now()) });
    deps.events.emit({ type: 'step.done', key: state.key, skipped: true, reason: skipReason, durationMs: 0, outputs: {} });
  }
}

async function transition(deps: ExecuteDeps, state: StepState, update: Partial<StepState>): Promise<void> {
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) delete (state as unknown as Record<string, unknown>)[key];
    else (state as unknown as Record<string, unknown>)[key] = value;
  }
  await deps.persist();
}

function iso(deps: ExecuteDeps, ms: number): string {
  return new Date(ms).toISOString();
}

/** Outputs of a resource's steps in a checkpoint, by step id. */
export function outputsByStep(checkpoint: Checkpoint, resource: string): Record<string, Outputs> {
  const result: Record<string, Outputs> = {};
  for (const s of checkpoint.steps) if (s.resource === resource) result[s.id] = s.outputs;
  return result;
}


/**
 * Before a resumed run goes on: the steps finished in an earlier session are reported as such (so every step has
 * its event in this session's journal and summary), and checks whose verdict can go stale (recheckOnResume) are
 * checked again — a failover resumed hours later must not promote on a lag measured back then.
 */
export async function recheckBeforeResume(deps: ExecuteDeps): Promise<void> {
  // Once a step has changed something in AWS for a resource, its preflight describes a state that is gone on
  // purpose: only resources with no AWS change yet are checked again (gates and local commands do not count).
  const changed = new Set<string>();
  for (const step of deps.plan.steps) {
    const state = deps.checkpoint.steps.find((s) => s.key === step.key);
    const dctx = describeContextFor(deps.runbook, step.resource, deps.operation, deps.flags);
    if (state && state.applied.length > 0 && kindFor(step).calls(step.params, dctx).length > 0) changed.add(step.resource);
  }
  for (const step of deps.plan.steps) {
    const state = deps.checkpoint.steps.find((s) => s.key === step.key);
    if (!state || (state.status !== 'done' && state.status !== 'skipped')) continue;
    const kind = kindFor(step);
    if (kind.recheckOnResume && state.applied.length === 0 && !changed.has(step.resource)) {
      const ctx = buildStepContext(deps, step, state);
      const decision = await currentStepKey.run(step.key, async () => kind.decide(await kind.observe(ctx, step.params), step.params, ctx));
      if (decision.state === 'blocked') {
        const error = new RefusedError('step-refused', `${step.key} (checked again on resume): ${decision.reason}`, { hint: decision.hint });
        deps.events.emit({ type: 'step.failed', key: step.key, durationMs: 0, error: toEventError(error) });
        throw error;
      }
      if (decision.state === 'done') Object.assign(state.outputs, decision.outputs ?? {});
      deps.events.emit({ type: 'step.done', key: step.key, skipped: true, reason: `checked again on resume: ${decision.reason}`, durationMs: 0, outputs: state.outputs });
      continue;
    }
    deps.events.emit({ type: 'step.done', key: step.key, skipped: true, reason: `done earlier in this run: ${state.reason ?? 'finished'}`, durationMs: 0, outputs: state.outputs });
  }
}
