/**
 * The live part of the human view: one spinner with one line per running step. Steps run in parallel, so a
 * single ora instance draws a multi-line text (the frame on the first line, the others aligned under it);
 * several independent spinners would fight over the cursor. Finished steps are printed above it as permanent
 * lines: the reporter pauses the area, writes, and resumes.
 *
 * ora is loaded on first use, not with this module: it costs ~100 ms to import, which `--help`, `validate` and
 * `status` should not pay. Until it has loaded the area simply shows nothing; permanent lines are unaffected.
 */
import type { Ora, Options as OraOptions } from 'ora';

export interface LiveArea {
  /** Shows these lines (one per running step); an empty list hides the spinner. */
  update(lines: string[]): void;
  /** Takes the spinner off the screen so a permanent line or a prompt can be written. */
  pause(): void;
  /** Draws it again after pause(). */
  resume(): void;
  /** Removes it for good (end of run). */
  stop(): void;
}

/** Cuts a line to the terminal width so a redraw never wraps (wrapped lines would leave debris behind). */
export function fitToWidth(line: string, columns: number | undefined): string {
  const width = Math.max(20, (columns ?? 100) - 3);
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

export function createOraLiveArea(stream: NodeJS.WriteStream, color: boolean): LiveArea & { ready: Promise<void> } {
  let createSpinner: ((options: OraOptions) => Ora) | undefined;
  let spinner: Ora | undefined;
  let lines: string[] = [];
  let paused = false;

  const text = () => lines.map((line, i) => (i === 0 ? '' : '  ') + fitToWidth(line, stream.columns)).join('\n');

  const draw = () => {
    if (paused || !createSpinner) return;
    // 0 columns (a terminal that lost its size) would make ora clear an infinite number of lines: stay dark.
    if (lines.length === 0 || stream.columns === 0) {
      spinner?.stop();
      return;
    }
    // discardStdin would put stdin in raw mode, which breaks the approval prompt and swallows Ctrl-C.
    spinner ??= createSpinner({ stream, isEnabled: true, discardStdin: false, color: color ? 'cyan' : false });
    spinner.text = text();
    if (!spinner.isSpinning) spinner.start();
  };

  const ready = import('ora').then(
    (module) => {
      createSpinner = module.default;
      draw();
    },
    // Without ora there is no spinner; every permanent line still prints.
    () => undefined,
  );

  return {
    ready,
    update(next) {
      lines = [...next];
      draw();
    },
    pause() {
      if (paused) return;
      paused = true;
      spinner?.stop();
    },
    resume() {
      if (!paused) return;
      paused = false;
      draw();
    },
    stop() {
      lines = [];
      paused = false;
      spinner?.stop();
      spinner = undefined;
    },
  };
}
