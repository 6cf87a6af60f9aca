/**
 * argv → typed options. Pure and tested: every combination that makes no sense is an InputError (exit 2)
 * before anything is read or called.
 */
import { InputError } from '../errors.js';
import type { FailbackMode } from '../steps/types.js';

export type OutputMode = 'human' | 'plain' | 'json';

export interface CommonOptions {
  file?: string;
  stateDir: string;
  output: OutputMode;
  color: boolean;
}

export interface SandboxOptions {
  /** In-process emulator seeded from the runbook, kept under the state dir. */
  sandbox: boolean;
  /** A running `drctl sandbox` to talk to instead. */
  sandboxEndpoint?: string;
}

export interface RunOptions extends CommonOptions, SandboxOptions {
  fs: string[];
  all: boolean;
  dryRun: boolean;
  yes: boolean;
  approve: string[];
  force: boolean;
  primaryUnavailable: boolean;
  newRun: boolean;
  parallel?: number;
  profile?: string;
  mode: FailbackMode;
}

/** What commander hands over (strings and booleans, unvalidated). */
export interface RawRunOptions {
  fs?: string[];
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  approve?: string[];
  force?: boolean;
  primaryUnavailable?: boolean;
  newRun?: boolean;
  parallel?: string;
  profile?: string;
  mode?: string;
  file?: string;
  stateDir?: string;
  output?: string;
  color?: boolean;
  sandbox?: boolean;
  sandboxEndpoint?: string;
}

export function parseOutputMode(value: string | undefined, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): OutputMode {
  if (value === undefined || value === 'auto') return stdoutIsTTY && !env.CI ? 'human' : 'plain';
  if (value === 'human' || value === 'plain' || value === 'json') return value;
  throw new InputError('invalid-option', `--output must be human, plain or json, not '${value}'`, { hint: 'Use --output json for NDJSON events in CI.' });
}

export function parseCommonOptions(raw: RawRunOptions, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): CommonOptions {
  const color = raw.color !== false && env.NO_COLOR === undefined && stdoutIsTTY;
  return {
    ...(raw.file ? { file: raw.file } : {}),
    stateDir: raw.stateDir ?? env.DRCTL_STATE_DIR ?? '.drctl',
    output: parseOutputMode(raw.output, env, stdoutIsTTY),
    color,
  };
}

export function parseSandboxOptions(raw: RawRunOptions): SandboxOptions {
  if (raw.sandbox && raw.sandboxEndpoint) {
    throw new InputError('invalid-option', '--sandbox and --sandbox-endpoint cannot be used together', {
      hint: '--sandbox runs an emulator in process; --sandbox-endpoint URL talks to a running `drctl sandbox`.',
    });
  }
  if (raw.sandboxEndpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(raw.sandboxEndpoint);
    } catch {
      throw new InputError('invalid-option', `--sandbox-endpoint is not a URL: '${raw.sandboxEndpoint}'`, { hint: 'For example --sandbox-endpoint http://127.0.0.1:4566' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError('invalid-option', `--sandbox-endpoint must be http(s), not ${url.protocol}`);
    }
    return { sandbox: false, sandboxEndpoint: url.toString() };
  }
  return { sandbox: raw.sandbox === true };
}

export function parseRunOptions(
  operation: 'failover' | 'failback' | 'drill',
  raw: RawRunOptions,
  env: NodeJS.ProcessEnv,
  stdoutIsTTY: boolean,
): RunOptions {
  const fs = raw.fs ?? [];
  if (fs.length === 0 && !raw.all) {
    throw new InputError('missing-fs', `${operation} needs --fs NAME (repeatable) or --all`, {
      hint: `For example: drctl ${operation} --fs efs-prod --dry-run. \`drctl validate\` lists what the runbooks declare.`,
    });
  }
  if (fs.length > 0 && raw.all) {
    throw new InputError('invalid-option', '--fs and --all cannot be used together', { hint: 'Use --all for every resource of the runbook, or name them with --fs.' });
  }
  let parallel: number | undefined;
  if (raw.parallel !== undefined) {
    parallel = Number(raw.parallel);
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) {
      throw new InputError('invalid-option', `--parallel must be a whole number from 1 to 256, not '${raw.parallel}'`);
    }
  }
  const mode = raw.mode ?? 'preserve';
  if (mode !== 'preserve' && mode !== 'discard') {
    throw new InputError('invalid-option', `--mode must be preserve or discard, not '${mode}'`, {
      hint: 'preserve (default) keeps the changes made on the DR side; discard overwrites them with the primary.',
    });
  }
  if (raw.mode !== undefined && operation === 'failover') {
    throw new InputError('invalid-option', '--mode applies to failback only');
  }
  return {
    ...parseCommonOptions(raw, env, stdoutIsTTY),
    ...parseSandboxOptions(raw),
    fs: [...new Set(fs)],
    all: raw.all === true,
    dryRun: raw.dryRun === true,
    yes: raw.yes === true,
    approve: raw.approve ?? [],
    force: raw.force === true,
    primaryUnavailable: raw.primaryUnavailable === true,
    newRun: raw.newRun === true,
    ...(parallel === undefined ? {} : { parallel }),
    ...(raw.profile ? { profile: raw.profile } : {}),
    mode,
  };
}
