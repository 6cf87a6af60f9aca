/**
 * The human view, for an operator at a terminal: a spinner line per running step showing what it is doing or
 * waiting for, a permanent ✓ / ✗ / ↷ line with the duration when a step ends, and a closing summary that says
 * how it went, how long it took, the run id and where the journal is. Successful AWS calls are not shown (the
 * journal has them), nor 404 "not found" answers, which are how steps see that something is absent. Other
 * failed calls are shown, dimmed: the step line that follows says what they meant for the run.
 */
import type { RunEvent } from '../engine/events.js';
import { createChalk, type Output } from './output.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { RunTracker, formatPlanTally, formatTally, type EventOf } from './run-tracker.js';
import { renderPlanHeader, renderPlannedStep } from './render-plan.js';
import { formatAwsSuffix, formatElapsed, formatTarget, isQuietAwsError, oneLine } from './format.js';

const STATUS_WORDS: Record<EventOf<'run.finished'>['status'], string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  refused: 'was refused',
  declined: 'was declined',
  interrupted: 'was interrupted',
  planned: 'planned',
};

export function createHumanReporter(output: Output, options: ReporterOptions = {}): Reporter {
  const chalk = createChalk(output.color);
  const tracker = new RunTracker(options.accountIds);
  const live = output.createLiveArea?.();
  /** Running steps in start order → what the spinner says about each. */
  const running = new Map<string, string>();
  let pausedByCaller = 0;
  let planHeaderShown = false;

  const refreshLive = () => live?.update([...running].map(([key, status]) => `${key}  ${status}`));

  /** Permanent lines go above the spinner: take it down, write, put it back. */
  const print = (...lines: string[]) => {
    const liveShown = live !== undefined && pausedByCaller === 0;
    if (liveShown) live.pause();
    for (const text of lines) output.out(text);
    if (liveShown) live.resume();
  };

  const setRunning = (key: string, status: string) => {
    running.set(key, oneLine(status));
    refreshLive();
  };

  const endStep = (key: string) => {
    running.delete(key);
    refreshLive();
  };

  const renderStarted = (event: EventOf<'run.started'>) => {
    if (event.dryRun) {
      planHeaderShown = true;
      print(...renderPlanHeader(event, chalk));
      return;
    }
    const title = `drctl ${event.operation} ${event.resources.join(', ')}`;
    const extra = [`runbook ${event.runbook} (${event.runbookFile})`, `run ${event.runId}`, event.resumed ? 'resumed' : ''];
    print(chalk.bold(title) + chalk.dim(`  ${extra.filter(Boolean).join(' · ')}`));
  };

  const renderDone = (event: EventOf<'step.done'>) => {
    endStep(event.key);
    const duration = chalk.dim(formatElapsed(event.durationMs));
    if (event.skipped) {
      print(`${chalk.dim('↷')} ${event.key}  ${duration}  ${chalk.dim(`no change needed: ${oneLine(event.reason)}`)}`);
    } else {
      print(`${chalk.green('✓')} ${event.key}  ${duration}  ${oneLine(event.reason)}`);
    }
  };

  const renderFailed = (event: EventOf<'step.failed'>) => {
    endStep(event.key);
    const { error } = event;
    const lines = [`${chalk.red('✗')} ${chalk.bold(event.key)}  ${chalk.dim(formatElapsed(event.durationMs))}  ${chalk.red(error.message)}`];
    const aws = formatAwsSuffix(error.awsErrorName, error.requestId);
    lines.push(`    ${chalk.dim([`code ${error.code}`, aws].filter(Boolean).join(', '))}`);
    if (error.hint) lines.push(`    ${chalk.yellow('hint:')} ${error.hint}`);
    print(...lines);
  };

  const renderFinished = (event: EventOf<'run.finished'>) => {
    running.clear();
    live?.stop();
    const summary = tracker.summary();
    const lines = [''];
    if (event.status === 'planned') {
      lines.push(`${chalk.bold('Dry run complete')}  ${formatPlanTally(summary)}. Nothing was changed.`);
      lines.push(chalk.dim('To apply it, run the same command without --dry-run.'));
    } else {
      const mark = event.status === 'succeeded' ? chalk.green('✓') : event.status === 'failed' ? chalk.red('✗') : chalk.yellow('!');
      const operation = summary.operation ?? 'run';
      const when = event.status === 'succeeded' ? 'in' : 'after';
      lines.push(`${mark} ${chalk.bold(`${operation} ${STATUS_WORDS[event.status]}`)} ${when} ${formatElapsed(event.durationMs)}  ${formatTally(summary)}`);
      if (event.message) lines.push(`  ${oneLine(event.message)}`);
    }
    const journal = options.journalPath?.(event.runId);
    lines.push(chalk.dim(`  run ${event.runId}${journal ? `  journal ${journal}` : ''}`));
    print(...lines);
  };

  const renderAwsCall = (event: EventOf<'aws.call'>) => {
    if ((event.outcome === 'ok' || isQuietAwsError(event)) && !options.verbose) return;
    const target = formatTarget(event.account, event.accountId, event.region);
    const answer =
      event.outcome === 'ok'
        ? `ok ${formatElapsed(event.durationMs)}`
        : `answered ${event.errorName ?? 'an error'}${event.httpStatus !== undefined ? ` (HTTP ${event.httpStatus})` : ''}`;
    const request = event.requestId ? `, request id ${event.requestId}` : '';
    print(chalk.dim(`    ${event.service} ${event.operation}  ${target}  ${answer}${request}${event.key ? `  [${event.key}]` : ''}`));
  };

  const onEvent = (event: RunEvent) => {
    tracker.observe(event);
    switch (event.type) {
      case 'run.started':
        renderStarted(event);
        break;
      case 'identity.verified':
        print(chalk.dim(`  credentials for ${event.account} verified: account ${event.accountId} (${event.arn})`));
        break;
      case 'step.started':
        setRunning(event.key, event.description);
        break;
      case 'step.planned':
        // In a dry run a step is "running" only while it observes; its plan block replaces the spinner line.
        endStep(event.key);
        if (!planHeaderShown && tracker.started) {
          planHeaderShown = true;
          print(...renderPlanHeader(tracker.started, chalk));
        }
        print(...renderPlannedStep(event, tracker, chalk));
        break;
      case 'step.applying':
        setRunning(event.key, `${event.phase}: ${event.reason}`);
        break;
      case 'step.waiting':
        setRunning(event.key, `waiting ${formatElapsed(event.elapsedMs)}: ${event.reason}`);
        break;
      case 'step.retrying': {
        const name = event.error.awsErrorName ?? event.error.code;
        setRunning(event.key, `retrying in ${formatElapsed(event.delayMs)} (attempt ${event.attempt}) after ${name}`);
        break;
      }
      case 'step.done':
        renderDone(event);
        break;
      case 'step.failed':
        renderFailed(event);
        break;
      case 'approval.requested':
        // The prompt itself shows the question; with --yes the granted line below repeats it.
        break;
      case 'approval.granted': {
        const question = tracker.questions.get(event.key);
        print(`    ${chalk.green('approved')} by ${event.by} (${event.via})${question ? `: ${oneLine(question)}` : ''}`);
        break;
      }
      case 'approval.declined': {
        const question = tracker.questions.get(event.key);
        print(`    ${chalk.yellow('not approved')} by ${event.by} (${event.reason})${question ? `: ${oneLine(question)}` : ''}`);
        break;
      }
      case 'aws.call':
        renderAwsCall(event);
        break;
      case 'note':
        print(`    ${event.key ? chalk.dim(`${event.key}: `) : ''}${event.message.replace(/\n/g, '\n      ')}`);
        break;
      case 'run.finished':
        renderFinished(event);
        break;
    }
  };

  return {
    onEvent,
    finish: () => {
      running.clear();
      live?.stop();
    },
    pause: () => {
      pausedByCaller += 1;
      if (pausedByCaller === 1) live?.pause();
    },
    resume: () => {
      if (pausedByCaller === 0) return;
      pausedByCaller -= 1;
      if (pausedByCaller === 0) live?.resume();
    },
  };
}
