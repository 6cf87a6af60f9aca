/**
 * Runs the built `drctl` binary (`node bin/drctl.js`, which loads dist/) as a child process, the way an operator
 * or a CI job does: in its own working directory holding a copy of the example runbooks, without a TTY, with
 * CI=1 and no AWS configuration from the machine running the tests. `npm test` builds dist/ before vitest.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const DRCTL_BIN = join(REPO_ROOT, 'bin', 'drctl.js');

export interface DrctlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd: string;
  /** Added to (or, when undefined, removed from) the clean environment. */
  env?: Record<string, string | undefined>;
  /** Options for node itself, before bin/drctl.js (e.g. `--import`). */
  nodeArgs?: string[];
  /** Kills the process (SIGKILL) and fails after this long. */
  timeoutMs?: number;
}

/** A JSON event line of `--output json`, loosely typed: tests assert on the fields they name. */
export type JsonEvent = Record<string, unknown> & { type: string };

function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does it before vitest).');
  }
}

/** The environment of a CI job on a machine without AWS configuration: nothing from the host's AWS setup leaks in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(AWS_|DRCTL_)/i.test(key) || /^(https?_proxy|all_proxy|no_proxy|NODE_OPTIONS|FORCE_COLOR|NO_COLOR)$/i.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    CI: '1',
    AWS_CONFIG_FILE: '/nonexistent/drctl-e2e/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/drctl-e2e/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A running drctl: its stdout lines as they come, signals, and the result once it exits. */
export interface DrctlProcess {
  readonly pid: number | undefined;
  /** stdout lines received so far. */
  readonly lines: string[];
  /** Resolves with the first stdout line (already received or to come) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<DrctlResult>;
}

export function startDrctl(args: string[], options: SpawnOptions): DrctlProcess {
  assertBuilt();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DRCTL_BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    // stdin is not a terminal: approvals cannot be answered at a prompt.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += `${line}\n`;
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (!waiter.match(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const exited = new Promise<DrctlResult>((resolveExit, rejectExit) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectExit(new Error(`drctl ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      rejectExit(err);
    });
    // 'close' (not 'exit'): stdout and stderr are complete by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid,
    lines,
    exited,
    kill: (signal) => child.kill(signal),
    waitForLine(match, waitMs = timeoutMs) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolveLine, rejectLine) => {
        const timer = setTimeout(() => rejectLine(new Error(`no matching stdout line within ${waitMs} ms; got:\n${lines.join('\n')}\nstderr:\n${stderr}`)), waitMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolveLine(line)) });
        // A process that exits first will never print it.
        void exited.then(
          (result) => rejectLine(new Error(`drctl exited (${result.code ?? result.signal}) before printing the expected line; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`)),
          rejectLine,
        );
      });
    },
  };
}

export function runDrctl(args: string[], options: SpawnOptions): Promise<DrctlResult> {
  return startDrctl(args, options).exited;
}

/**
 * Parses NDJSON output. Every non-empty line must be a JSON object with a string `type`; a line that is not
 * fails with the line itself in the message.
 */
export function parseJsonLines(stdout: string): JsonEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
      if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
        throw new Error(`stdout line is not an event with a type: ${line}`);
      }
      return value as JsonEvent;
    });
}

/** A temporary working directory with `runbooks/` copied from the repository; `.drctl/` is created in it. */
export interface Workspace {
  dir: string;
  /** The default state directory (`<dir>/.drctl`). */
  stateDir: string;
  path(...parts: string[]): string;
  run(args: string[], options?: Omit<SpawnOptions, 'cwd'>): Promise<DrctlResult>;
  start(args: string[], options?: Omit<SpawnOptions, 'cwd'>): DrctlProcess;
  readText(...parts: string[]): Promise<string>;
  writeText(relativePath: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * `runbookFiles` defaults to efs-prod.yaml alone: a world seeded from one runbook is quick, and runbooks other
 * people are still writing cannot make these tests flaky.
 */
export async function createWorkspace(runbookFiles: string[] = ['efs-prod.yaml', 'schema.json']): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'drctl-e2e-'));
  await mkdir(join(dir, 'runbooks'));
  for (const file of runbookFiles) await cp(join(REPO_ROOT, 'runbooks', file), join(dir, 'runbooks', file));
  const path = (...parts: string[]) => join(dir, ...parts);
  return {
    dir,
    stateDir: path('.drctl'),
    path,
    run: (args, options = {}) => runDrctl(args, { ...options, cwd: dir }),
    start: (args, options = {}) => startDrctl(args, { ...options, cwd: dir }),
    readText: (...parts) => readFile(path(...parts), 'utf8'),
    writeText: async (relativePath, text) => writeFile(path(relativePath), text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What a failed expectation should show: the whole exchange, so a red test explains itself. */
export function describeResult(result: DrctlResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
