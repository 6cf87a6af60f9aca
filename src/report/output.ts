/**
 * Where drctl's text goes. Everything that reaches stdout or stderr passes through an Output: the process one in
 * the CLI, a memory one in tests. Whether colour and spinners are allowed is decided here, once, from the
 * streams, the environment and the flags, so no other code asks "is this a TTY?".
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { createOraLiveArea, type LiveArea } from './live-area.js';

export interface Output {
  /** Writes `text` and a newline to stdout (results, events, plans). */
  out(text: string): void;
  /** Writes `text` and a newline to stderr (errors, prompts, anything that must not pollute --output json). */
  err(text: string): void;
  /** stdout is a terminal. */
  isTTY: boolean;
  /** ANSI colour is allowed (off with NO_COLOR, --no-color, or when stdout is not a terminal). */
  color: boolean;
  /** Running under CI: plain, line-oriented output and no prompts. */
  ci: boolean;
  /** A live, redrawable status area (the spinner); undefined when the terminal cannot host one. */
  createLiveArea?(): LiveArea;
}

export type ReporterMode = 'human' | 'plain' | 'json';

export interface ProcessOutputOptions {
  /** --no-color was given. */
  noColor?: boolean;
  /** --ci was given; undefined → detected from the CI environment variable. */
  ci?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** True when the CI variable is set to anything but an explicit "false"/"0" (GitHub, GitLab, Buildkite... set it). */
export function detectCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  if (value === undefined) return false;
  return !['false', '0'].includes(value.trim().toLowerCase());
}

export function createProcessOutput(options: ProcessOutputOptions = {}): Output {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const ci = options.ci ?? detectCi(env);
  const isTTY = stdout.isTTY === true;
  // NO_COLOR counts whatever its value (even empty): https://no-color.org asks for "present", and an operator
  // who exported NO_COLOR= does not want colour either.
  const color = isTTY && !options.noColor && env.NO_COLOR === undefined;
  // The spinner goes to stderr so that stdout stays a clean record; both must be terminals for it to make sense.
  // A pseudo-terminal with no size (0 columns: `script`, some CI runners) cannot be redrawn: ora would compute
  // an infinite number of lines to clear.
  const sized = (stderr.columns ?? 80) > 0;
  // `drctl status | head` closes the pipe early: what would follow is not wanted, so EPIPE is not an error.
  for (const stream of [stdout, stderr]) {
    if (stream.listenerCount('error') === 0) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
    }
  }
  const canAnimate = isTTY && stderr.isTTY === true && sized && !ci && env.TERM !== 'dumb';
  return {
    out: (text) => void stdout.write(`${text}\n`),
    err: (text) => void stderr.write(`${text}\n`),
    isTTY,
    color,
    ci,
    createLiveArea: canAnimate ? () => createOraLiveArea(stderr, color) : undefined,
  };
}

/**
 * Picks the reporter: an explicit --output wins; otherwise a terminal outside CI gets the human view and
 * everything else (pipes, files, CI logs) the plain one.
 */
export function selectReporterMode(requested: ReporterMode | undefined, output: Pick<Output, 'isTTY' | 'ci'>): ReporterMode {
  if (requested) return requested;
  return output.isTTY && !output.ci ? 'human' : 'plain';
}

/** A chalk instance that colours only when the output allows it (level 0 emits no escapes at all). */
export function createChalk(color: boolean): ChalkInstance {
  // Basic 16 colours are enough for ✓/✗ and emphasis, and render the same on every terminal and in snapshots.
  return new Chalk({ level: color ? 1 : 0 });
}

/** An Output that records lines, for tests. */
export interface MemoryOutput extends Output {
  readonly stdout: string[];
  readonly stderr: string[];
  /** What the live area was asked to show, one entry per update (an empty array: nothing running). */
  readonly liveFrames: string[][];
  /** pause / resume / stop calls on the live area, in order. */
  readonly liveLog: Array<'pause' | 'resume' | 'stop'>;
  stdoutText(): string;
  stderrText(): string;
}

export function createMemoryOutput(options: { isTTY?: boolean; color?: boolean; ci?: boolean; live?: boolean } = {}): MemoryOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const liveFrames: string[][] = [];
  const liveLog: Array<'pause' | 'resume' | 'stop'> = [];
  const memory: MemoryOutput = {
    stdout,
    stderr,
    liveFrames,
    liveLog,
    out: (text) => void stdout.push(...text.split('\n')),
    err: (text) => void stderr.push(...text.split('\n')),
    isTTY: options.isTTY ?? false,
    color: options.color ?? false,
    ci: options.ci ?? false,
    stdoutText: () => stdout.map((line) => `${line}\n`).join(''),
    stderrText: () => stderr.map((line) => `${line}\n`).join(''),
  };
  if (options.live) {
    memory.createLiveArea = () => ({
      update: (lines) => void liveFrames.push([...lines]),
      pause: () => void liveLog.push('pause'),
      resume: () => void liveLog.push('resume'),
      stop: () => void liveLog.push('stop'),
    });
  }
  return memory;
}
