import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamPolicyCommand } from '../../src/cli/commands/iam-policy.js';
import { InputError } from '../../src/errors.js';
import { createMemoryOutput } from '../../src/report/output.js';

const file = resolve('runbooks/efs-prod.yaml');

describe('drctl iam-policy', () => {
  it('prints, per account, a header and the permissions and trust policies as JSON', async () => {
    const output = createMemoryOutput();
    expect(await iamPolicyCommand({ fs: ['efs-prod'], file }, output)).toBe(0);
    const text = output.stdoutText();
    expect(text).toContain('# Account dr (222222222222) — role arn:aws:iam::222222222222:role/drctl-operator');
    expect(text).toContain('# Account prod (111111111111) — role arn:aws:iam::111111111111:role/drctl-operator');
    const documents = text.split(/^# (?:Permissions|Trust) policy.*$/m).slice(1).map((chunk) => JSON.parse(chunk.split(/^#/m)[0] ?? '') as { Version: string });
    expect(documents).toHaveLength(4);
    expect(documents.every((d) => d.Version === '2012-10-17')).toBe(true);
  });

  it('--output json prints one object with every account', async () => {
    const output = createMemoryOutput();
    await iamPolicyCommand({ all: true, file, output: 'json', trustedPrincipal: '999999999999' }, output);
    const parsed = JSON.parse(output.stdoutText()) as { runbook: string; accounts: Array<{ account: string; trustPolicy: { Statement: Array<{ Principal: unknown }> } }> };
    expect(parsed.runbook).toBe('efs-prod');
    expect(parsed.accounts.map((a) => a.account)).toEqual(['dr', 'prod']);
    expect(parsed.accounts[0]?.trustPolicy.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::999999999999:root' });
  });

  it('--out-dir writes one policy and one trust file per account', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drctl-iam-'));
    try {
      await iamPolicyCommand({ fs: ['efs-prod'], file, outDir: dir }, createMemoryOutput());
      const trust = JSON.parse(await readFile(join(dir, 'dr.trust.json'), 'utf8')) as { Statement: Array<{ Condition?: unknown }> };
      expect(trust.Statement[0]?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'drctl-dr-7f3a' } });
      expect(JSON.parse(await readFile(join(dir, 'prod.policy.json'), 'utf8'))).toHaveProperty('Statement');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a trusted principal that is not an ARN or account id (exit 2)', async () => {
    const err = await iamPolicyCommand({ fs: ['efs-prod'], file, trustedPrincipal: 'alice' }, createMemoryOutput()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain("--trusted-principal 'alice'");
  });
});
