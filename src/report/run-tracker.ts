/**
 * What the reporters remember while events stream by: the steps announced by run.started (descriptions and
 * upstream steps, for plans), account ids seen (for "dr (222222222222)"), approval questions, and the tallies
 * that make up the final summary. Pure bookkeeping: no output.
 */
import type { RunEvent } from '../engine/events.js';
import type { Operation } from '../steps/types.js';

export type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/**
 * step.planned as reporters read it. The engine states the outcome in the reason's wording ("already done: …",
 * "in progress, would wait: …", "would refuse: …", "skipped: …", "after …"); an optional `state` field, if the
 * event ever carries one, takes precedence. Anything else is a step that would act (with or without AWS calls:
 * an approval asks, it calls nothing).
 */
export type PlannedEvent = EventOf<'step.planned'>;
export type PlannedOutcome = 'act' | 'done' | 'after' | 'waiting' | 'blocked' | 'skipped';

const REASON_PREFIXES: Array<[string, PlannedOutcome]> = [
  ['already done: ', 'done'],
  ['in progress, would wait: ', 'waiting'],
  ['would refuse: ', 'blocked'],
  ['skipped: ', 'skipped'],
];

const STATE_OUTCOME: Record<NonNullable<PlannedEvent['state']>, PlannedOutcome> = { apply: 'act', done: 'done', waiting: 'waiting', blocked: 'blocked', after: 'after', skipped: 'skipped' };

/** The outcome and the reason without its outcome wording (the renderer words it its own way). */
export function plannedOutcome(event: PlannedEvent): { outcome: PlannedOutcome; detail: string } {
  const reason = event.reason.trim();
  for (const [prefix, outcome] of REASON_PREFIXES) {
    if (reason.startsWith(prefix)) return { outcome: event.afterPending ? 'after' : outcome, detail: reason.slice(prefix.length) };
  }
  if (event.afterPending) return { outcome: 'after', detail: reason.replace(/^after\s+/, '') };
  return { outcome: event.state ? STATE_OUTCOME[event.state] : 'act', detail: reason };
}

export interface StepInfo {
  key: string;
  kind: string;
  description: string;
  needs: string[];
}

export interface RunSummary {
  runId: string;
  operation?: Operation;
  runbook?: string;
  dryRun: boolean;
  totalSteps: number;
  done: number;
  skipped: number;
  failed: number;
  planned: Record<PlannedOutcome, number>;
}

export class RunTracker {
  runId = '';
  started: EventOf<'run.started'> | undefined;
  readonly steps = new Map<string, StepInfo>();
  readonly accountIds = new Map<string, string>();
  readonly questions = new Map<string, string>();
  private done = 0;
  private skipped = 0;
  private failed = 0;
  private readonly planned: Record<PlannedOutcome, number> = { act: 0, done: 0, after: 0, waiting: 0, blocked: 0, skipped: 0 };

  constructor(accountIds: Record<string, string> = {}) {
    for (const [name, id] of Object.entries(accountIds)) this.accountIds.set(name, id);
  }

  observe(event: RunEvent): void {
    if (event.runId) this.runId = event.runId;
    switch (event.type) {
      case 'run.started':
        this.started = event;
        for (const step of event.steps) this.steps.set(step.key, step);
        break;
      case 'identity.verified':
        this.accountIds.set(event.account, event.accountId);
        break;
      case 'aws.call':
        if (event.accountId) this.accountIds.set(event.account, event.accountId);
        break;
      case 'step.started':
        if (!this.steps.has(event.key)) {
          this.steps.set(event.key, { key: event.key, kind: event.kind, description: event.description, needs: [] });
        }
        break;
      case 'step.planned':
        this.planned[plannedOutcome(event).outcome] += 1;
        break;
      case 'step.done':
        if (event.skipped) this.skipped += 1;
        else this.done += 1;
        break;
      case 'step.failed':
        this.failed += 1;
        break;
      case 'approval.requested':
        this.questions.set(event.key, event.question);
        break;
      default:
        break;
    }
  }

  /** The steps a step waits for, as written in plans: "after efs-prod/promote". */
  upstreamOf(key: string): string[] {
    return this.steps.get(key)?.needs ?? [];
  }

  summary(): RunSummary {
    return {
      runId: this.runId,
      operation: this.started?.operation,
      runbook: this.started?.runbook,
      dryRun: this.started?.dryRun ?? false,
      totalSteps: this.steps.size,
      done: this.done,
      skipped: this.skipped,
      failed: this.failed,
      planned: { ...this.planned },
    };
  }
}

/** "5 done, 2 skipped, 0 failed" (+ ", 3 not run" when the run stopped early). */
export function formatTally(summary: RunSummary): string {
  const parts = [`${summary.done} done`, `${summary.skipped} skipped`, `${summary.failed} failed`];
  const notRun = summary.totalSteps - summary.done - summary.skipped - summary.failed;
  if (notRun > 0) parts.push(`${notRun} not run`);
  return parts.join(', ');
}

/** "3 would act, 1 already done, 2 after earlier steps" for dry-run summaries. */
export function formatPlanTally(summary: RunSummary): string {
  const p = summary.planned;
  const parts = [`${p.act} would act`, `${p.done} already done`];
  if (p.after > 0) parts.push(`${p.after} after earlier steps`);
  if (p.waiting > 0) parts.push(`${p.waiting} waiting for AWS`);
  if (p.blocked > 0) parts.push(`${p.blocked} would be refused`);
  if (p.skipped > 0) parts.push(`${p.skipped} skipped`);
  return parts.join(', ');
}
