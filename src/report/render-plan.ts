/**
 * Dry-run plans: what each step would do, rendered from step.planned events. A step either lists the AWS calls
 * it would make (service, operation, account and id, region, key parameters), says it is already done and why,
 * or says it comes after an upstream step whose outcome it depends on.
 */
import type { ChalkInstance } from 'chalk';
import type { EventOf } from './run-tracker.js';
import { plannedOutcome, type PlannedEvent, type PlannedOutcome, type RunTracker } from './run-tracker.js';
import { formatPlannedCall, formatTimestamp, oneLine } from './format.js';

/** The plan's title, from run.started. */
export function renderPlanHeader(started: EventOf<'run.started'>, chalk: ChalkInstance): string[] {
  const resources = started.resources.join(', ');
  return [
    chalk.bold(`Plan: ${started.operation} of ${resources}`) +
      chalk.dim(`  runbook ${started.runbook} (${started.runbookFile})`),
    chalk.dim('Dry run: only read calls are made; nothing below is changed.'),
    '',
  ];
}

/** "after efs-prod/promote": the upstream steps named by the engine, else the step's declared needs. */
function afterText(detail: string, event: PlannedEvent, tracker: RunTracker): string {
  if (detail) return `after ${detail}`;
  const upstream = tracker.upstreamOf(event.key);
  return `after ${upstream.length > 0 ? upstream.join(', ') : 'earlier steps'}`;
}

/** One plan block (human view): the step, then its calls or why it has none. */
export function renderPlannedStep(event: PlannedEvent, tracker: RunTracker, chalk: ChalkInstance): string[] {
  const info = tracker.steps.get(event.key);
  const { outcome, detail } = plannedOutcome(event);
  const marker = outcome === 'act' ? chalk.yellow('~') : outcome === 'blocked' ? chalk.red('!') : chalk.dim('·');
  const lines = [`${marker} ${chalk.bold(event.key)}${info?.description ? `  ${oneLine(info.description)}` : ''}`];
  const indent = '    ';
  const text = oneLine(detail);
  switch (outcome) {
    case 'done':
      lines.push(indent + chalk.green(`already done: ${text}`));
      break;
    case 'skipped':
      lines.push(indent + chalk.dim(`skipped: ${text}`));
      break;
    case 'waiting':
      lines.push(indent + chalk.cyan(`in progress, would wait: ${text}`));
      break;
    case 'blocked':
      lines.push(indent + chalk.red(`would refuse: ${text}`));
      break;
    case 'after':
      lines.push(indent + chalk.dim(`${afterText(text, event, tracker)}${event.calls.length > 0 ? '; may call:' : ''}`));
      break;
    case 'act':
      // An approval's reason is its question, already in the description: say it once.
      if (text && !info?.description.includes(text)) lines.push(indent + chalk.dim(text));
      break;
  }
  for (const call of event.calls) {
    lines.push(`${indent}${chalk.cyan('→')} ${formatPlannedCall(call, tracker.accountIds)}`);
    if (call.note) lines.push(`${indent}    ${chalk.dim(oneLine(call.note))}`);
  }
  return lines;
}

const PLAIN_OUTCOME: Record<PlannedOutcome, string> = {
  act: 'would-act',
  done: 'already-done',
  after: 'after',
  waiting: 'would-wait',
  blocked: 'would-refuse',
  skipped: 'skipped',
};

/**
 * The same plan for logs: one self-contained line for the step and one per call, each starting with the time
 * and `plan <key>` so `grep 'plan efs-prod/promote'` shows the whole step.
 */
export function renderPlannedStepPlain(event: PlannedEvent, tracker: RunTracker): string[] {
  const prefix = `${formatTimestamp(event.time)}  plan ${event.key}`;
  const { outcome, detail } = plannedOutcome(event);
  const description = tracker.steps.get(event.key)?.description;
  const text = outcome === 'after' ? afterText(oneLine(detail), event, tracker) : oneLine(detail);
  const head = [prefix, PLAIN_OUTCOME[outcome]];
  if (description) head.push(oneLine(description));
  if (text && !description?.includes(text)) head.push(text);
  const lines = [head.join('  ')];
  for (const call of event.calls) {
    const note = call.note ? `  (${oneLine(call.note)})` : '';
    lines.push(`${prefix}  call  ${formatPlannedCall(call, tracker.accountIds)}${note}`);
  }
  return lines;
}
