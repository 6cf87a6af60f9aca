/**
 * The plain view, for CI logs and pipes: one line per event that matters, each starting with its UTC time and
 * a subject (`run <id>`, `step <key>`, `approval <key>`, `aws`, `note`), fields separated by two spaces, no
 * colour and no redraws, so `grep 'step efs-prod/promote'` tells the story of one step.
 *
 * Left out on purpose: successful AWS calls and 404 "not found" answers (the journal has them; --verbose
 * prints them), and repeated step.waiting events whose reason did not change (one line a minute keeps CI
 * "no output" watchdogs quiet without flooding the log). A dry-run step prints one line for the step and one per planned call.
 */
import type { RunEvent } from '../engine/events.js';
import type { Output } from './output.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { RunTracker, formatPlanTally, formatTally, type EventOf } from './run-tracker.js';
import { renderPlannedStepPlain } from './render-plan.js';
import { formatElapsed, formatEventError, formatTarget, formatTimestamp, isQuietAwsError, oneLine } from './format.js';

const WAITING_REPEAT_MS = 60_000;

export function createPlainReporter(output: Output, options: ReporterOptions = {}): Reporter {
  const tracker = new RunTracker(options.accountIds);
  const lastWaiting = new Map<string, { reason: string; at: number }>();

  const line = (event: RunEvent, ...fields: Array<string | undefined>) =>
    output.out([formatTimestamp(event.time), ...fields.filter((f): f is string => f !== undefined && f !== '')].join('  '));

  const shouldPrintWaiting = (event: EventOf<'step.waiting'>): boolean => {
    const at = Date.parse(event.time);
    const last = lastWaiting.get(event.key);
    if (last && last.reason === event.reason && at - last.at < WAITING_REPEAT_MS) return false;
    lastWaiting.set(event.key, { reason: event.reason, at });
    return true;
  };

  const renderFinished = (event: EventOf<'run.finished'>) => {
    const summary = tracker.summary();
    const tally = summary.dryRun ? formatPlanTally(summary) : formatTally(summary);
    const journal = options.journalPath?.(event.runId);
    line(
      event,
      `run ${event.runId}`,
      event.status,
      `exit ${event.exitCode}`,
      formatElapsed(event.durationMs),
      tally,
      journal ? `journal ${journal}` : undefined,
      event.message ? oneLine(event.message) : undefined,
    );
  };

  const onEvent = (event: RunEvent) => {
    tracker.observe(event);
    switch (event.type) {
      case 'run.started': {
        const flags = [event.dryRun ? 'dry-run' : '', event.resumed ? 'resumed' : ''].filter(Boolean).join(',');
        line(
          event,
          `run ${event.runId}`,
          'started',
          event.operation,
          `runbook ${event.runbook} (${event.runbookFile})`,
          `resources ${event.resources.join(',')}`,
          `${event.steps.length} steps`,
          flags || undefined,
        );
        break;
      }
      case 'identity.verified':
        line(event, `identity ${event.account}`, 'verified', event.accountId, event.arn);
        break;
      case 'step.started':
        // A dry run announces each step before planning it; the plan line that follows says it all.
        if (tracker.started?.dryRun) break;
        line(event, `step ${event.key}`, 'started', event.kind, oneLine(event.description));
        break;
      case 'step.planned':
        for (const text of renderPlannedStepPlain(event, tracker)) output.out(text);
        break;
      case 'step.applying':
        line(event, `step ${event.key}`, 'applying', event.phase, oneLine(event.reason));
        break;
      case 'step.waiting':
        if (shouldPrintWaiting(event)) line(event, `step ${event.key}`, 'waiting', formatElapsed(event.elapsedMs), oneLine(event.reason));
        break;
      case 'step.retrying':
        line(event, `step ${event.key}`, 'retrying', `attempt ${event.attempt} in ${formatElapsed(event.delayMs)}`, oneLine(formatEventError(event.error)));
        break;
      case 'step.done':
        lastWaiting.delete(event.key);
        line(event, `step ${event.key}`, event.skipped ? 'skipped' : 'done', formatElapsed(event.durationMs), oneLine(event.reason));
        break;
      case 'step.failed':
        lastWaiting.delete(event.key);
        line(
          event,
          `step ${event.key}`,
          'failed',
          formatElapsed(event.durationMs),
          oneLine(formatEventError(event.error)),
          event.error.hint ? `hint: ${oneLine(event.error.hint)}` : undefined,
        );
        break;
      case 'approval.requested':
        line(event, `approval ${event.key}`, 'requested', oneLine(event.question));
        break;
      case 'approval.granted':
        line(event, `approval ${event.key}`, 'granted', `by ${event.by}`, `via ${event.via}`);
        break;
      case 'approval.declined':
        line(event, `approval ${event.key}`, 'declined', `by ${event.by}`, oneLine(event.reason));
        break;
      case 'aws.call':
        if ((event.outcome === 'error' && !isQuietAwsError(event)) || options.verbose) {
          line(
            event,
            'aws',
            `${event.service} ${event.operation}`,
            formatTarget(event.account, event.accountId, event.region),
            event.outcome === 'error' ? `error ${event.errorName ?? 'unknown'}` : 'ok',
            event.httpStatus !== undefined ? `http ${event.httpStatus}` : undefined,
            event.requestId ? `request-id ${event.requestId}` : undefined,
            formatElapsed(event.durationMs),
            event.key ? `step ${event.key}` : undefined,
          );
        }
        break;
      case 'note':
        line(event, event.key ? `note ${event.key}` : 'note', oneLine(event.message));
        break;
      case 'run.finished':
        renderFinished(event);
        break;
      default: {
        // An event type newer than this reporter: still one line, so nothing disappears from CI logs.
        const newer: { type: string } = event;
        line(event, newer.type);
      }
    }
  };

  return { onEvent, finish: () => undefined, pause: () => undefined, resume: () => undefined };
}
