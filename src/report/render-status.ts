/**
 * `drctl status` and the lock-holder message, as text (pure). The input shapes are declared here so the
 * renderers stay independent of how checkpoints and locks are stored; the engine maps its records onto them.
 */
import { createChalk } from './output.js';
import { formatAge, formatElapsed, formatTimestamp, oneLine } from './format.js';
import type { RenderOptions } from './render-error.js';

export interface StatusStep {
  key: string;
  kind: string;
  /** pending | running | waiting | done | skipped | failed | ... */
  status: string;
  startedAt?: string;
  endedAt?: string;
  attempts: number;
  error?: string | { code?: string; message: string; hint?: string; awsErrorName?: string };
}

export interface StatusRun {
  runId: string;
  operation: string;
  runbook: string;
  resources: string[];
  /** running | succeeded | failed | refused | declined | interrupted | planned | ... */
  status: string;
  startedAt: string;
  updatedAt: string;
  steps: StatusStep[];
  /** Failback mode (preserve | discard): a resume must repeat it. */
  mode?: string;
}

export interface StatusRenderOptions extends RenderOptions {
  /** For "12m ago"; defaults to Date.now(). */
  now?: number;
}

const FINISHED_OK = new Set(['succeeded', 'planned']);
/** Runs nobody should resume: finished well, or given up with --new-run. */
const NOTHING_TO_RESUME = new Set([...FINISHED_OK, 'abandoned']);

function stepSymbol(status: string): string {
  switch (status) {
    case 'done':
    case 'succeeded':
      return '✓';
    case 'skipped':
      return '↷';
    case 'failed':
      return '✗';
    case 'pending':
      return '·';
    default:
      return '●';
  }
}

function stepError(error: StatusStep['error']): string {
  if (error === undefined) return '';
  if (typeof error === 'string') return oneLine(error);
  const aws = error.awsErrorName && !error.message.includes(error.awsErrorName) ? ` (AWS ${error.awsErrorName})` : '';
  return oneLine(`${error.code ? `${error.code}: ` : ''}${error.message}${aws}`);
}

function stepTiming(step: StatusStep, now: number): string {
  if (step.startedAt && step.endedAt) return formatElapsed(Date.parse(step.endedAt) - Date.parse(step.startedAt));
  if (step.startedAt) return `started ${formatAge(step.startedAt, now)}`;
  return '';
}

/** The command that continues a run: the same command again resumes it. */
export function resumeCommand(run: Pick<StatusRun, 'operation' | 'resources' | 'mode'>): string {
  const parts = ['drctl', run.operation, ...run.resources.map((r) => `--fs ${r}`)];
  if (run.operation === 'failback' && run.mode) parts.push(`--mode ${run.mode}`);
  return parts.join(' ');
}

export function renderStatus(runs: readonly StatusRun[], options: StatusRenderOptions): string {
  const chalk = createChalk(options.color);
  const now = options.now ?? Date.now();
  if (runs.length === 0) {
    return ['No runs recorded in this directory.', `${chalk.yellow('hint:')} start one with drctl failover --fs <name> (add --dry-run to preview it).`].join('\n');
  }
  const blocks: string[] = [];
  for (const run of runs) {
    const statusText = FINISHED_OK.has(run.status) ? chalk.green(run.status) : run.status === 'failed' ? chalk.red(run.status) : chalk.yellow(run.status);
    const lines = [
      `${chalk.bold(`run ${run.runId}`)}  ${run.operation}  ${run.resources.join(', ')}  ${statusText}`,
      chalk.dim(
        `  runbook ${run.runbook}  started ${formatTimestamp(run.startedAt)} (${formatAge(run.startedAt, now)})  updated ${formatTimestamp(run.updatedAt)} (${formatAge(run.updatedAt, now)})`,
      ),
    ];
    const keyWidth = Math.max(0, ...run.steps.map((s) => s.key.length));
    const kindWidth = Math.max(0, ...run.steps.map((s) => s.kind.length));
    const statusWidth = Math.max(0, ...run.steps.map((s) => s.status.length));
    for (const step of run.steps) {
      const symbol = stepSymbol(step.status);
      const coloured = symbol === '✓' ? chalk.green(symbol) : symbol === '✗' ? chalk.red(symbol) : symbol === '●' ? chalk.cyan(symbol) : chalk.dim(symbol);
      const fields = [step.key.padEnd(keyWidth), chalk.dim(step.kind.padEnd(kindWidth)), step.status.padEnd(statusWidth), stepTiming(step, now)];
      if (step.attempts > 1) fields.push(`${step.attempts} attempts`);
      const error = stepError(step.error);
      if (error) fields.push(chalk.red(error));
      lines.push(`  ${coloured} ${fields.filter(Boolean).join('  ')}`.trimEnd());
      if (typeof step.error === 'object' && step.error.hint) lines.push(`      ${chalk.yellow('hint:')} ${step.error.hint}`);
    }
    if (!NOTHING_TO_RESUME.has(run.status)) {
      const next = run.steps.find((s) => !['done', 'skipped', 'succeeded'].includes(s.status));
      const from = next ? ` from ${next.key}` : '';
      // A "running" checkpoint is either live in another process (the lock says so) or was killed mid-step.
      const unless = run.status === 'running' ? 'if no drctl process is still running it, ' : '';
      lines.push(`  ${chalk.yellow('next:')} ${unless}re-run ${resumeCommand(run)} to resume${from} (add --new-run to start over).`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/** Who holds a runbook's lock (as written by the engine when it took it). */
export interface LockHolder {
  user: string;
  host: string;
  pid: number;
  runId: string;
  /** When the lock was taken (ISO time). */
  since: string;
  operation?: string;
  runbook?: string;
}

export interface LockRenderOptions extends RenderOptions {
  now?: number;
  /** Set when the holder is on this host and its pid is known not to run any more: the lock is stale. */
  holderGone?: boolean;
  /** The --fs names of the command that hit the lock, so the unlock command can be pasted as is. */
  fsNames?: string[];
}

/** Who holds the lock, since when, for which run, and the safe ways forward. */
export function renderLockHolder(holder: LockHolder, options: LockRenderOptions): string {
  const chalk = createChalk(options.color);
  const now = options.now ?? Date.now();
  const unlock = ['drctl unlock', ...(options.fsNames ?? ['<name>']).map((n) => `--fs ${n}`), '--force'].join(' ');
  const what = holder.runbook ? `The lock on runbook ${holder.runbook}` : 'The lock';
  const run = `run ${holder.runId}${holder.operation ? ` (${holder.operation})` : ''}`;
  const since = Number.isNaN(Date.parse(holder.since)) ? 'since an unknown time' : `since ${formatTimestamp(holder.since)} (${formatAge(holder.since, now)})`;
  const lines = [`${what} is held by ${chalk.bold(`${holder.user}@${holder.host}`)} (pid ${holder.pid}) ${since} for ${run}.`];
  if (options.holderGone) {
    lines.push(`  pid ${holder.pid} is no longer running on ${holder.host}: the lock is stale.`);
    lines.push(`  ${chalk.yellow('next:')} ${unlock}, then re-run your command (it resumes run ${holder.runId}).`);
  } else {
    lines.push(`  ${chalk.yellow('next:')} if that run is still going, wait for it and watch it with drctl status.`);
    lines.push(
      `  If it is not (${holder.host} rebooted, or pid ${holder.pid} is gone), break the lock with ${unlock} — only after checking, since two runs at once can reverse each other.`,
    );
  }
  return lines.join('\n');
}
