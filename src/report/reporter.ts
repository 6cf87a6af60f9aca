/**
 * Reporters turn run events into text. The engine emits the same events whatever the output mode; choosing
 * human, plain or json happens once, here. Reporters never throw at the engine: a rendering problem must not
 * fail a failover.
 */
import type { RunEvent } from '../engine/events.js';
import type { Output, ReporterMode } from './output.js';
import { createHumanReporter } from './reporter-human.js';
import { createPlainReporter } from './reporter-plain.js';

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** End of the run (or of the command): stops spinners and flushes. Safe to call more than once. */
  finish(): void;
  /** Takes live output (the spinner) off the screen while something else uses the terminal, e.g. a prompt. */
  pause(): void;
  resume(): void;
}

export interface ReporterOptions {
  /** Account name → id, shown in plans as "dr (222222222222)". Ids seen in events are learned as well. */
  accountIds?: Record<string, string>;
  /** Where the run's journal is, for the final summary. */
  journalPath?: (runId: string) => string | undefined;
  /** Show every AWS call, not only failed ones (human and plain). */
  verbose?: boolean;
}

/** --output json: each event exactly as emitted, one JSON document per line, and nothing else on stdout. */
export function createJsonReporter(output: Output): Reporter {
  return {
    onEvent: (event) => output.out(JSON.stringify(event)),
    finish: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
  };
}

export function createReporter(mode: ReporterMode, output: Output, options: ReporterOptions = {}): Reporter {
  const reporter =
    mode === 'json' ? createJsonReporter(output) : mode === 'plain' ? createPlainReporter(output, options) : createHumanReporter(output, options);
  return guarded(reporter, output);
}

/**
 * A bug in rendering one event must not abort the run that emitted it: report it once on stderr and go on.
 * (The journal, written elsewhere, still has every event.)
 */
function guarded(reporter: Reporter, output: Output): Reporter {
  let warned = false;
  const safely =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        if (warned) return;
        warned = true;
        const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
        output.err(`drctl: internal error while rendering output (a bug; the run goes on and the journal is complete):\n${detail}`);
      }
    };
  return {
    onEvent: safely(reporter.onEvent),
    finish: safely(reporter.finish),
    pause: safely(reporter.pause),
    resume: safely(reporter.resume),
  };
}
