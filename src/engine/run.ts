/**
 * runOperation: the one engine entry the CLI calls for failover/failback (and drills, twice).
 * plan → lock → resume or start → verify identities → execute (or dry-run) → checkpoint → release.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { DrctlError, ExitCode, LockError, RefusedError, errorMessage } from '../errors.js';
import type { AwsCallRecord, AwsGateway } from '../aws/types.js';
import type { Runbook } from '../runbook/schema.js';
import type { Clock } from '../util/clock.js';
import type { Outputs, Prompter, ResourceMemory, RunFlags } from '../steps/types.js';
import type { Checkpoint, RunActor, StepState } from './checkpoint.js';
import { findUnfinishedRun, holdsChanges, sameSelection, writeCheckpoint } from './checkpoint.js';
import type { EventBus, RunStatus } from './events.js';
import { acquireLock } from './lock.js';
import type { HeldLock } from './lock.js';
import { readMemory, writeMemory } from './memory.js';
import { accountsTouched, planRun } from './plan.js';
import type { Plan } from './plan.js';
import type { StateDir } from './state-dir.js';
import { currentStepKey, executePlan, outputsByStep, recheckBeforeResume } from './execute.js';
import type { ExecuteResult } from './execute.js';
import { planDryRun } from './dry-run.js';
import type { DryRunResult } from './dry-run.js';
import type { ContextDeps } from './step-context.js';

export interface GatewayRequest {
  runId: string;
  dryRun: boolean;
  deniedTargets: Array<{ account: string; region?: string }>;
  onCall(record: AwsCallRecord): void;
}

export interface RunRequest {
  operation: 'failover' | 'failback';
  runbook: Runbook;
  runbookName: string;
  runbookFile: string;
  digest: string;
  resources: string[];
  flags: RunFlags;
  parallel: number;
  newRun: boolean;
  stateDir: StateDir;
  clock: Clock;
  prompter: Prompter;
  bus: EventBus;
  signal: AbortSignal;
  actor: RunActor;
  env?: Record<string, string>;
  createGateway(request: GatewayRequest): Promise<AwsGateway>;
  random?: () => number;
  /** A drill links its failover and failback runs to itself. */
  parentRunId?: string;
  /** Dry-run only: plan as if this operation had already run (a drill's failback before its failover). */
  planAfter?: string;
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  exitCode: number;
  plan: Plan;
  checkpoint?: Checkpoint;
  failures: ExecuteResult['failures'];
  resumed: boolean;
  /** Dry runs: what was observed and decided. */
  planned?: DryRunResult;
}

const EXIT_BY_STATUS: Record<RunStatus, number> = {
  succeeded: ExitCode.ok,
  planned: ExitCode.ok,
  failed: ExitCode.stepFailed,
  refused: ExitCode.refused,
  declined: ExitCode.declined,
  interrupted: ExitCode.interrupted,
};

export function newRunId(clock: Clock, operation: string): string {
  const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${operation}-${randomBytes(3).toString('hex')}`;
}

export async function runOperation(req: RunRequest): Promise<RunOutcome> {
  // Every waiting step listens on the run's signal: fifty resources in parallel are not a leak.
  setMaxListeners(0, req.signal);
  const plan = planRun(req.runbook, req.operation, req.resources, req.flags);
  return req.flags.dryRun ? runDry(req, plan) : runForReal(req, plan);
}

function deniedTargets(req: RunRequest): GatewayRequest['deniedTargets'] {
  if (!req.flags.primaryUnavailable) return [];
  return req.resources.map((name) => {
    const r = req.runbook.filesystems[name];
    const account = r ? req.runbook.accounts[r.primary.account] : undefined;
    return { account: r?.primary.account ?? '', region: r?.primary.region ?? account?.region };
  });
}

function onCallFor(req: RunRequest): (record: AwsCallRecord) => void {
  return (record) => {
    const key = currentStepKey.getStore();
    req.bus.emit({ type: 'aws.call', ...(key ? { key } : {}), ...record });
  };
}

async function verifyAccounts(req: RunRequest, aws: AwsGateway, plan: Plan): Promise<void> {
  for (const account of accountsTouched(req.runbook, plan, req.flags)) {
    const identity = await aws.verifyIdentity(account);
    req.bus.emit({ type: 'identity.verified', account, accountId: identity.accountId, arn: identity.arn });
  }
}

function freshStates(plan: Plan, previous: StepState[] = []): StepState[] {
  const byKey = new Map(previous.map((s) => [s.key, s]));
  return plan.steps.map(
    (step) =>
      byKey.get(step.key) ?? {
        key: step.key,
        resource: step.resource,
        id: step.id,
        kind: step.kind,
        description: step.description,
        status: 'pending',
        attempts: 0,
        outputs: {},
        applied: [],
      },
  );
}

function emitStarted(req: RunRequest, plan: Plan, resumed: boolean): void {
  req.bus.emit({
    type: 'run.started',
    operation: req.operation,
    runbook: req.runbookName,
    runbookFile: req.runbookFile,
    digest: req.digest,
    resources: req.resources,
    dryRun: req.flags.dryRun,
    resumed,
    steps: plan.steps.map((s) => ({ key: s.key, kind: s.kind, description: s.description, needs: s.needs })),
  });
}

function contextDeps(req: RunRequest, runId: string, aws: AwsGateway, checkpoint: Checkpoint, memory: Map<string, ResourceMemory>, dirty: Set<string>): ContextDeps {
  return {
    runId,
    operation: req.operation,
    runbook: req.runbook,
    aws,
    clock: req.clock,
    flags: req.flags,
    prompter: req.prompter,
    events: req.bus,
    signal: req.signal,
    env: req.env ?? {},
    outputsOf: (resource) => outputsByStep(checkpoint, resource) as Record<string, Outputs>,
    memoryOf: (resource) => memory.get(resource) ?? {},
    remember: (resource, update) => {
      if (req.flags.dryRun) return;
      memory.set(resource, { ...(memory.get(resource) ?? {}), ...update });
      dirty.add(resource);
    },
  };
}

async function runDry(req: RunRequest, plan: Plan): Promise<RunOutcome> {
  const runId = newRunId(req.clock, `${req.operation}-plan`);
  req.bus.setRunId(runId);
  const started = req.clock.now();
  // A plan is evidence too (drill readiness): its events and read-only AWS calls go to a journal.
  const journal = req.stateDir.journalFile(runId);
  mkdirSync(dirname(journal), { recursive: true });
  const unsubscribe = req.bus.subscribe((event) => appendFileSync(journal, `${JSON.stringify(event)}\n`));
  emitStarted(req, plan, false);
  let planned: DryRunResult | undefined;
  const finish = (status: RunStatus, message?: string, failures: RunOutcome['failures'] = []): RunOutcome => {
    const exitCode = EXIT_BY_STATUS[status];
    req.bus.emit({ type: 'run.finished', status, exitCode, durationMs: req.clock.now() - started, ...(message ? { message } : {}) });
    unsubscribe();
    return { runId, status, exitCode, plan, failures, resumed: false, ...(planned ? { planned } : {}) };
  };
  const checkpoint = blankCheckpoint(req, runId, plan);
  const memory = new Map<string, ResourceMemory>();
  for (const r of req.resources) memory.set(r, await readMemory(req.stateDir, req.runbookName, r));
  try {
    const aws = await req.createGateway({ runId, dryRun: true, deniedTargets: deniedTargets(req), onCall: onCallFor(req) });
    if (!req.planAfter) await verifyAccounts(req, aws, plan);
    const result = (planned = await planDryRun({ ...contextDeps(req, runId, aws, checkpoint, memory, new Set()), plan, checkpoint, ...(req.planAfter ? { assumeAfter: req.planAfter } : {}) }));
    if (result.interrupted) return finish('interrupted', 'interrupted (Ctrl-C) before every step was planned; nothing was changed');
    if (result.refused) return finish('refused', `a preflight or safety check would refuse: ${result.refusals.join('; ')}`);
    if (result.failed) return finish('failed', 'some steps could not be observed: see the errors above');
    return finish('planned');
  } catch (err) {
    // Expected failures end the plan like any run (a run.finished event, an exit code); bugs propagate.
    if (err instanceof DrctlError) {
      req.bus.emit({ type: 'note', message: `${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}` });
      return finish(err instanceof RefusedError ? 'refused' : 'failed', err.message, [{ key: '(plan)', error: err }]);
    }
    unsubscribe();
    throw err;
  }
}

function blankCheckpoint(req: RunRequest, runId: string, plan: Plan): Checkpoint {
  const now = new Date(req.clock.now()).toISOString();
  return {
    schemaVersion: 1,
    runId,
    operation: req.operation,
    mode: req.flags.mode,
    runbook: req.runbookName,
    runbookFile: req.runbookFile,
    digest: req.digest,
    resources: req.resources,
    primaryUnavailable: req.flags.primaryUnavailable,
    status: 'running',
    startedAt: now,
    updatedAt: now,
    startedBy: req.actor,
    identities: [],
    steps: freshStates(plan),
    ...(req.parentRunId ? { parentRunId: req.parentRunId } : {}),
  };
}

async function resumeOrStart(req: RunRequest, plan: Plan): Promise<{ checkpoint: Checkpoint; resumed: boolean }> {
  const unfinished = await findUnfinishedRun(req.stateDir, req.runbookName);
  const fsFlags = req.resources.map((r) => `--fs ${r}`).join(' ');
  if (unfinished && !req.newRun && !sameSelection(unfinished, req.operation, req.resources, req.flags.mode) && !holdsChanges(unfinished)) {
    // Refused or failed before changing anything: nothing to finish, so it does not stand in the way.
    await writeCheckpoint(req.stateDir, { ...unfinished, status: 'abandoned', updatedAt: new Date(req.clock.now()).toISOString() });
    return { checkpoint: blankCheckpoint(req, newRunId(req.clock, req.operation), plan), resumed: false };
  }
  if (unfinished && !req.newRun) {
    if (!sameSelection(unfinished, req.operation, req.resources, req.flags.mode)) {
      const theirs = `${unfinished.operation}${unfinished.operation === 'failback' ? ` --mode ${unfinished.mode}` : ''} ${unfinished.resources.map((r) => `--fs ${r}`).join(' ')}`;
      throw new LockError('unfinished-run', `run ${unfinished.runId} (${theirs}) on runbook ${req.runbookName} is unfinished (${unfinished.status})`, {
        hint: `Finish it first with \`drctl ${theirs}\`, or abandon it and start this one with \`drctl ${req.operation} ${fsFlags} --new-run\`.`,
      });
    }
    if (unfinished.digest !== req.digest) {
      throw new LockError('stale-checkpoint', `runbook ${req.runbookFile} changed since run ${unfinished.runId} started (digest ${unfinished.digest.slice(0, 12)} → ${req.digest.slice(0, 12)})`, {
        hint: `Either restore the runbook as it was to resume that run, or start over with the new runbook: \`drctl ${req.operation} ${fsFlags} --new-run\` (every step re-observes AWS, so finished work is recognised and skipped).`,
      });
    }
    const checkpoint = { ...unfinished, status: 'running' as const, primaryUnavailable: req.flags.primaryUnavailable, steps: freshStates(plan, unfinished.steps) };
    return { checkpoint, resumed: true };
  }
  if (unfinished && req.newRun) {
    await writeCheckpoint(req.stateDir, { ...unfinished, status: 'abandoned', updatedAt: new Date(req.clock.now()).toISOString() });
  }
  return { checkpoint: blankCheckpoint(req, newRunId(req.clock, req.operation), plan), resumed: false };
}

async function runForReal(req: RunRequest, plan: Plan): Promise<RunOutcome> {
  const provisionalId = newRunId(req.clock, req.operation);
  const lock: HeldLock = await acquireLock(
    req.stateDir,
    { ...req.actor, runId: provisionalId, operation: req.operation, runbook: req.runbookName, since: new Date(req.clock.now()).toISOString() },
    req.resources,
  );
  try {
    const { checkpoint, resumed } = await resumeOrStart(req, plan);
    const runId = checkpoint.runId;
    await lock.update(runId);
    req.bus.setRunId(runId);
    const journal = req.stateDir.journalFile(runId);
    mkdirSync(dirname(journal), { recursive: true });
    const unsubscribe = req.bus.subscribe((event) => appendFileSync(journal, `${JSON.stringify(event)}\n`));
    const memory = new Map<string, ResourceMemory>();
    for (const r of req.resources) memory.set(r, await readMemory(req.stateDir, req.runbookName, r));
    const dirty = new Set<string>();
    let queue: Promise<void> = Promise.resolve();
    const persist = () => {
      queue = queue.then(async () => {
        checkpoint.updatedAt = new Date(req.clock.now()).toISOString();
        await writeCheckpoint(req.stateDir, checkpoint);
        for (const r of [...dirty]) {
          dirty.delete(r);
          await writeMemory(req.stateDir, req.runbookName, r, memory.get(r) ?? {});
        }
      });
      return queue;
    };
    const started = req.clock.now();
    let result: ExecuteResult = { status: 'failed', failures: [] };
    try {
      await persist();
      emitStarted(req, plan, resumed);
      const aws = await req.createGateway({ runId, dryRun: false, deniedTargets: deniedTargets(req), onCall: onCallFor(req) });
      try {
        await verifyAccounts(req, aws, plan);
        checkpoint.identities = aws.identities();
        const deps = { ...contextDeps(req, runId, aws, checkpoint, memory, dirty), plan, checkpoint, parallel: req.parallel, persist, ...(req.random ? { random: req.random } : {}) };
        if (resumed) await recheckBeforeResume(deps);
        result = await executePlan(deps);
      } catch (err) {
        if (!(err instanceof DrctlError)) throw err;
        result = { status: err instanceof RefusedError ? 'refused' : 'failed', failures: [{ key: '(preflight)', error: err }] };
        req.bus.emit({ type: 'note', message: `${err.message}${err.hint ? ` — ${err.hint}` : ''}` });
      }
      checkpoint.identities = aws.identities();
    } finally {
      checkpoint.status = result.status;
      if (result.status === 'succeeded') checkpoint.finishedAt = new Date(req.clock.now()).toISOString();
      await persist();
      const exitCode = EXIT_BY_STATUS[result.status];
      const first = result.failures[0];
      req.bus.emit({
        type: 'run.finished',
        status: result.status,
        exitCode,
        durationMs: req.clock.now() - started,
        ...(first ? { message: first.error.message } : {}),
      });
      unsubscribe();
    }
    return { runId, status: result.status, exitCode: EXIT_BY_STATUS[result.status], plan, checkpoint, failures: result.failures, resumed };
  } finally {
    await lock.release().catch((err: unknown) => req.bus.emit({ type: 'note', message: `could not release the lock: ${errorMessage(err)}` }));
  }
}

