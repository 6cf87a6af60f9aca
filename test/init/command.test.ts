import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCommand, type InitOptions } from '../../src/cli/commands/init.js';
import { InputError } from '../../src/errors.js';
import type { Asker } from '../../src/init/index.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { createMemoryOutput } from '../../src/report/output.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'drctl-init-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const FLAGS: InitOptions = {
  type: 'efs',
  name: 'efs-home',
  primaryAccount: '111111111111',
  primaryRegion: 'us-east-1',
  secondaryAccount: '222222222222',
  secondaryRegion: 'us-west-2',
  primaryId: 'fs-0123456789abcdef0',
  secondaryId: 'fs-0fedcba9876543210',
  replicationRole: 'arn:aws:iam::111111111111:role/efs-replication',
  reverseReplicationRole: 'arn:aws:iam::222222222222:role/efs-replication',
};

/** Answers from a list, recording the questions; running out of answers is Ctrl-D. */
function scripted(answers: string[]): Asker & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    async ask(question) {
      questions.push(question);
      return answers.shift();
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('drctl init', () => {
  it('writes runbooks/<name>.yaml from flags alone, a runbook that validates', async () => {
    const output = createMemoryOutput();
    expect(await initCommand(FLAGS, output, { cwd })).toBe(0);
    const text = await readFile(join(cwd, 'runbooks', 'efs-home.yaml'), 'utf8');
    expect(parseRunbook(text, 'efs-home.yaml').ok).toBe(true);
    expect(output.stdoutText()).toContain('Wrote runbooks/efs-home.yaml: efs resource efs-home');
    expect(output.stdoutText()).toContain('drctl validate -f runbooks/efs-home.yaml');
    expect(output.stdoutText()).toContain('drctl schema > runbooks/schema.json');
  });

  it('without a terminal, names every missing flag at once (exit 2) and writes nothing', async () => {
    const err = await failure(initCommand({ type: 's3', name: 'media', primaryAccount: '111111111111' }, createMemoryOutput(), { cwd }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      'drctl init needs 7 more options when it cannot ask (not a terminal): --primary-region, --secondary-account, --secondary-region, --primary-bucket, --secondary-bucket, --replication-role, --reverse-replication-role',
    );
    expect(err.details.join('\n')).toContain('--primary-bucket: Primary bucket');
    await expect(readFile(join(cwd, 'runbooks', 'media.yaml'))).rejects.toThrow();
  });

  it('asks for what the flags leave out, re-asking after an invalid answer and offering defaults', async () => {
    const asker = scripted(['', '222222222222', 'not-a-region', 'us-west-2', '', '', '30m']);
    const { secondaryAccount, secondaryRegion, ...partial } = FLAGS;
    expect([secondaryAccount, secondaryRegion]).toEqual(['222222222222', 'us-west-2']);
    expect(await initCommand(partial, createMemoryOutput(), { cwd, asker })).toBe(0);
    expect(asker.questions).toEqual([
      'Role drctl assumes in the primary account (Enter: use the base credentials) (optional):',
      'Secondary (DR) account id:',
      'Secondary (DR) region (e.g. us-west-2):',
      'Secondary (DR) region (e.g. us-west-2):',
      'Role drctl assumes in the DR account (Enter: use the base credentials) (optional):',
      'Recovery point objective [15m]:',
      'Recovery time objective [1h]:',
    ]);
    const text = await readFile(join(cwd, 'runbooks', 'efs-home.yaml'), 'utf8');
    expect(text).toContain('rto: 30m');
    expect(text).toContain('rpo: 15m');
    expect(text).not.toContain('roleArn: arn:aws:iam::111111111111:role/drctl');
  });

  it('asks for a subnet when a Lustre DR side is left to be created (pilot light)', async () => {
    const asker = scripted(['', '', '', 'subnet-0123456789abcdef0', '', '', '']);
    const flags: InitOptions = { ...FLAGS, type: 'fsx-lustre', name: 'lustre', primaryBucket: 'lustre-prod', secondaryBucket: 'lustre-dr' };
    delete flags.secondaryId;
    await initCommand(flags, createMemoryOutput(), { cwd, asker });
    expect(asker.questions).toContain('DR file system id (fs-...), or Enter for a pilot-light DR file system created at failover (optional):');
    expect(asker.questions).toContain('Subnet to create the pilot-light DR Lustre file system in:');
    expect(await readFile(join(cwd, 'runbooks', 'lustre.yaml'), 'utf8')).toContain('subnetId: subnet-0123456789abcdef0');
  });

  it('stops when the input ends before the questions do', async () => {
    const err = await failure(initCommand({ type: 'efs' }, createMemoryOutput(), { cwd, asker: scripted([]) }));
    expect(err.code).toBe('init-aborted');
  });

  it('rejects a malformed flag, naming it and the expected format', async () => {
    const err = await failure(initCommand({ ...FLAGS, primaryAccount: '1234' }, createMemoryOutput(), { cwd }));
    expect(err.message).toBe("--primary-account '1234' is not a 12-digit account id");
  });

  it('refuses to overwrite an existing file unless --force, before asking anything', async () => {
    const out = join(cwd, 'mine.yaml');
    await writeFile(out, 'keep me');
    const asker = scripted([]);
    const err = await failure(initCommand({ type: 'efs', out }, createMemoryOutput(), { cwd, asker }));
    expect(err.code).toBe('file-exists');
    expect(err.hint).toContain('--force');
    expect(asker.questions).toEqual([]);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    await initCommand({ ...FLAGS, out, force: true }, createMemoryOutput(), { cwd });
    expect(await readFile(out, 'utf8')).toMatch(/^# yaml-language-server/);
  });

  it('refuses a resource name another runbook of the directory already declares', async () => {
    await mkdir(join(cwd, 'runbooks'));
    await initCommand({ ...FLAGS, out: 'runbooks/first.yaml' }, createMemoryOutput(), { cwd });
    const err = await failure(initCommand({ ...FLAGS, out: 'runbooks/second.yaml' }, createMemoryOutput(), { cwd }));
    expect(err.code).toBe('duplicate-resource');
    expect(err.message).toContain("resource 'efs-home' is already declared in");
  });

  it('refuses answers that do not make a valid runbook, with the validator diagnostics', async () => {
    const err = await failure(initCommand({ ...FLAGS, replicationRole: 'arn:aws:iam::333333333333:role/elsewhere' }, createMemoryOutput(), { cwd }));
    expect(err.code).toBe('init-invalid');
    expect(err.details.join('\n')).toContain('role-account-mismatch');
  });
});
