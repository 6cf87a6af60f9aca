import { describe, expect, it } from 'vitest';
import { parseOutputMode, parseRunOptions } from '../../src/cli/options.js';
import { InputError } from '../../src/errors.js';

const env = {} as NodeJS.ProcessEnv;

function fail(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseRunOptions', () => {
  it('parses a typical failover', () => {
    const options = parseRunOptions('failover', { fs: ['efs-prod', 'efs-prod'], yes: true, parallel: '4' }, env, false);
    expect(options).toMatchObject({ fs: ['efs-prod'], yes: true, parallel: 4, mode: 'preserve', dryRun: false, output: 'plain', stateDir: '.drctl' });
  });

  it('requires --fs or --all, and not both', () => {
    expect(fail(() => parseRunOptions('failover', {}, env, false)).code).toBe('missing-fs');
    expect(fail(() => parseRunOptions('failover', { fs: ['a'], all: true }, env, false)).message).toContain('--fs and --all');
  });

  it('rejects a bad --parallel, --mode and --output with the value named', () => {
    expect(fail(() => parseRunOptions('failover', { all: true, parallel: 'x' }, env, false)).message).toContain("'x'");
    expect(fail(() => parseRunOptions('failback', { all: true, mode: 'keep' }, env, false)).message).toContain("'keep'");
    expect(fail(() => parseRunOptions('failover', { all: true, mode: 'discard' }, env, false)).message).toContain('failback only');
    expect(fail(() => parseOutputMode('xml', env, false)).message).toContain("'xml'");
  });

  it('rejects --sandbox with --sandbox-endpoint, and a bad endpoint URL', () => {
    expect(fail(() => parseRunOptions('failover', { all: true, sandbox: true, sandboxEndpoint: 'http://127.0.0.1:4566' }, env, false)).code).toBe('invalid-option');
    expect(fail(() => parseRunOptions('failover', { all: true, sandboxEndpoint: 'not a url' }, env, false)).message).toContain('not a URL');
  });

  it('picks human output on a TTY, plain in CI or when piped, json when asked', () => {
    expect(parseOutputMode(undefined, env, true)).toBe('human');
    expect(parseOutputMode(undefined, { CI: 'true' } as NodeJS.ProcessEnv, true)).toBe('plain');
    expect(parseOutputMode(undefined, env, false)).toBe('plain');
    expect(parseOutputMode('json', env, true)).toBe('json');
  });

  it('turns colour off for NO_COLOR, --no-color and pipes', () => {
    expect(parseRunOptions('failover', { all: true }, env, true).color).toBe(true);
    expect(parseRunOptions('failover', { all: true }, { NO_COLOR: '' } as NodeJS.ProcessEnv, true).color).toBe(false);
    expect(parseRunOptions('failover', { all: true, color: false }, env, true).color).toBe(false);
    expect(parseRunOptions('failover', { all: true }, env, false).color).toBe(false);
  });
});
