/**
 * drctl iam-policy: per account of the selected resources, the least-privilege permissions policy of the role
 * drctl assumes there and that role's trust policy — derived from the step kinds' declared calls. Text output
 * is for people (a header per account, then the two JSON documents); `--output json` is one JSON object;
 * `--out-dir` also writes `<account>.policy.json` and `<account>.trust.json` for tooling.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode, InputError } from '../../errors.js';
import { planIamPolicies, type AccountIamPolicy } from '../../iam/index.js';
import { drillCalls } from '../../drill/iam-calls.js';
import type { Output } from '../../report/output.js';
import { loadSelection } from '../load.js';

export interface IamPolicyOptions {
  fs?: string[];
  all?: boolean;
  file?: string;
  trustedPrincipal?: string;
  output?: string;
  outDir?: string;
}

const PRINCIPAL = /^(arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+|\d{12})$/;

function renderAccount(policy: AccountIamPolicy): string {
  const role = policy.roleArn ? `role ${policy.roleArn}` : 'no roleArn: base credentials are used in this account';
  return [
    `# Account ${policy.account} (${policy.accountId}) — ${role}`,
    policy.roleArn ? '# Permissions policy (attach to the role):' : '# Permissions policy (attach to the identity drctl uses in this account):',
    JSON.stringify(policy.policy, null, 2),
    '# Trust policy (the role\'s trust relationship):',
    JSON.stringify(policy.trustPolicy, null, 2),
    ...(policy.notes.length > 0 ? ['# Notes:', ...policy.notes.map((n) => `#  - ${n}`)] : []),
  ].join('\n');
}

export async function iamPolicyCommand(raw: IamPolicyOptions, output: Output): Promise<number> {
  if (raw.trustedPrincipal !== undefined && !PRINCIPAL.test(raw.trustedPrincipal)) {
    throw new InputError('invalid-option', `--trusted-principal '${raw.trustedPrincipal}' is not an IAM ARN or account id`, {
      hint: 'Use the role or user drctl starts from, e.g. --trusted-principal arn:aws:iam::999999999999:role/ci-deployer, or an account id.',
    });
  }
  const { runbook, resources } = await loadSelection(raw.file, raw.fs ?? [], raw.all ?? false);
  const principal = raw.trustedPrincipal && /^\d{12}$/.test(raw.trustedPrincipal) ? `arn:aws:iam::${raw.trustedPrincipal}:root` : raw.trustedPrincipal;
  // Drills make calls of their own (canaries): the policy covers them too, so a drill never hits AccessDenied.
  const policies = planIamPolicies(runbook.runbook, resources, { extraCalls: drillCalls(runbook.runbook, resources), ...(principal ? { trustedPrincipal: principal } : {}) });
  if (raw.outDir) {
    const dir = resolve(raw.outDir);
    await mkdir(dir, { recursive: true });
    for (const p of policies) {
      await writeFile(join(dir, `${p.account}.policy.json`), `${JSON.stringify(p.policy, null, 2)}\n`);
      await writeFile(join(dir, `${p.account}.trust.json`), `${JSON.stringify(p.trustPolicy, null, 2)}\n`);
    }
  }
  if (raw.output === 'json') {
    output.out(JSON.stringify({ runbook: runbook.name, file: runbook.file, resources, accounts: policies }, null, 2));
    return ExitCode.ok;
  }
  output.out(`# IAM for ${resources.join(', ')} (runbook ${runbook.name}, ${runbook.file}): every call of failover, failback --mode preserve|discard and --primary-unavailable.`);
  for (const p of policies) output.out(`\n${renderAccount(p)}`);
  if (raw.outDir) output.out(`\n# Written to ${raw.outDir}: ${policies.map((p) => `${p.account}.policy.json, ${p.account}.trust.json`).join(', ')}`);
  return ExitCode.ok;
}
