/**
 * What the s3.* and fsx.* steps keep in the resource's memory across runs: the replication rules drctl last
 * wrote (to tell a runbook change from someone else's edit), the tasks and jobs a step started (to find them
 * again after an interruption instead of starting duplicates), and pilot-light file systems it created.
 *
 * Every fact has its own top-level key, because steps of one resource run in parallel and each merges its
 * update into the resource's memory: a shared map would lose one step's entry. `ctx.memory` is read when the
 * attempt starts, so updates made during the attempt are kept in an overlay that later reads see.
 */
import type { ResourceMemory, StepContext } from './types.js';
import type { ManagedRule } from './s3-rules.js';

const overlays = new WeakMap<object, ResourceMemory>();

/** The resource memory as this attempt left it (its own updates included). */
export function currentMemory(ctx: Pick<StepContext, 'memory'>): ResourceMemory {
  return { ...ctx.memory, ...(overlays.get(ctx) ?? {}) };
}

export function rememberFact(ctx: StepContext, update: Partial<ResourceMemory>): void {
  ctx.remember(update);
  overlays.set(ctx, { ...(overlays.get(ctx) ?? {}), ...update });
}

const RULE_PREFIX = 's3rule:';

export function ruleKey(bucket: string, ruleId: string): string {
  return `${bucket}/${ruleId}`;
}

/** Rules drctl last wrote, by `bucket/ruleId`. */
export function readWrittenRules(ctx: Pick<StepContext, 'memory'>): Record<string, ManagedRule> {
  const rules: Record<string, ManagedRule> = {};
  for (const [key, value] of Object.entries(currentMemory(ctx))) {
    if (key.startsWith(RULE_PREFIX) && typeof value === 'object' && value !== null) rules[key.slice(RULE_PREFIX.length)] = value as ManagedRule;
  }
  return rules;
}

export function rememberWrittenRules(ctx: StepContext, bucket: string, rules: ManagedRule[]): void {
  const update: Partial<ResourceMemory> = {};
  for (const rule of rules) update[`${RULE_PREFIX}${ruleKey(bucket, rule.id)}`] = rule;
  rememberFact(ctx, update);
}

export function forgetWrittenRules(ctx: StepContext, bucket: string, ruleIds: string[]): void {
  const update: Partial<ResourceMemory> = {};
  for (const id of ruleIds) update[`${RULE_PREFIX}${ruleKey(bucket, id)}`] = null;
  rememberFact(ctx, update);
}

/**
 * A long-running AWS job a step started (an FSx data repository task, an S3 Batch job): the run and attempt that
 * started it, and a generation that grows each time a failed one is replaced, so the new one gets a new
 * idempotency token.
 */
export interface StartedJob {
  runId: string;
  generation: number;
  attempt: number;
  /** Job or task ids by what they act on (a bucket, a file system). */
  ids: Record<string, string>;
}

/** The job record of this step in this run (records of earlier runs are ignored). */
export function readStartedJob(ctx: Pick<StepContext, 'memory' | 'runId' | 'stepKey'>): StartedJob | undefined {
  const value = currentMemory(ctx)[`job:${ctx.stepKey}`];
  if (typeof value !== 'object' || value === null) return undefined;
  const job = value as StartedJob;
  return job.runId === ctx.runId ? job : undefined;
}

export function rememberStartedJob(ctx: StepContext, job: StartedJob): void {
  rememberFact(ctx, { [`job:${ctx.stepKey}`]: job });
}
