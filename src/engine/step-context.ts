/** Builds the StepContext a step kind sees: its resource, targets, flags, outputs, memory and token maker. */
import { createHash } from 'node:crypto';
import type { Runbook } from '../runbook/schema.js';
import type { AwsGateway } from '../aws/types.js';
import type { Clock } from '../util/clock.js';
import type { EventSink } from './events.js';
import type { Operation, Outputs, Prompter, ResourceMemory, RunFlags, StepContext } from '../steps/types.js';
import type { PlannedStep } from './plan.js';
import { resolveTarget } from './plan.js';
import type { StepState } from './checkpoint.js';

export interface ContextDeps {
  runId: string;
  operation: Operation;
  runbook: Runbook;
  aws: AwsGateway;
  clock: Clock;
  flags: RunFlags;
  prompter: Prompter;
  events: EventSink;
  signal: AbortSignal;
  env: Record<string, string>;
  outputsOf(resource: string): Record<string, Outputs>;
  memoryOf(resource: string): ResourceMemory;
  remember(resource: string, update: Partial<ResourceMemory>): void;
}

const TOKEN_CHARS = /[^A-Za-z0-9_.-]/g;

/** Same run + step + suffix → same token, so a retried create never makes a second resource. */
export function planToken(runId: string, stepKey: string, suffix: string | undefined, maxLength: number): string {
  const full = ['drctl', runId, stepKey, suffix].filter(Boolean).join('-').replace(TOKEN_CHARS, '-');
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, maxLength - hash.length - 1)}-${hash}`;
}

export function buildStepContext(deps: ContextDeps, step: PlannedStep, state: StepState): StepContext {
  const resource = deps.runbook.filesystems[step.resource];
  if (!resource) throw new Error(`resource ${step.resource} vanished from the runbook`);
  return {
    runId: deps.runId,
    operation: deps.operation,
    stepId: step.id,
    stepKey: step.key,
    attempt: state.attempts,
    applied: state.applied,
    runbook: deps.runbook,
    resourceName: step.resource,
    resource,
    target: (side) => resolveTarget(deps.runbook, resource, side),
    aws: deps.aws,
    clock: deps.clock,
    flags: deps.flags,
    prompter: deps.prompter,
    outputs: deps.outputsOf(step.resource),
    // Live: a fact remembered earlier in this attempt is visible at once.
    get memory() {
      return deps.memoryOf(step.resource);
    },
    remember: (update) => deps.remember(step.resource, update),
    token: (suffix, maxLength = 64) => planToken(deps.runId, step.key, suffix, maxLength),
    events: deps.events,
    note: (message) => deps.events.emit({ type: 'note', key: step.key, message }),
    signal: deps.signal,
    env: deps.env,
  };
}
