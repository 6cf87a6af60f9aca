import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, operationInfo, type ServiceName } from '../../src/aws/operations.js';
import { BASE_ACCOUNT_PLACEHOLDER, collectPlannedCalls, isCoveredBy, planIamPolicies, rolesPassedBy } from '../../src/iam/index.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { renderInitRunbook, toAnswers, type InitFlags } from '../../src/init/index.js';

function load(path: string): Runbook {
  const result = parseRunbook(readFileSync(path, 'utf8'), path);
  if (!result.ok) throw new Error(`${path}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.runbook;
}

/** Every runbook the project ships or uses as a valid fixture: as step kinds land, their calls are checked too. */
function runbookFiles(): string[] {
  const dirs = ['runbooks', 'test/fixtures/runbooks/valid'];
  return dirs.flatMap((dir) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)));
}

const efsProd = () => load('runbooks/efs-prod.yaml');

const INIT_ACCOUNTS: InitFlags = {
  primaryAccount: '111111111111',
  primaryRegion: 'us-east-1',
  secondaryAccount: '222222222222',
  secondaryRegion: 'us-west-2',
  replicationRole: 'arn:aws:iam::111111111111:role/replication',
  reverseReplicationRole: 'arn:aws:iam::222222222222:role/replication',
};

/** One cross-account runbook per resource type, as `drctl init` writes it (standard procedures spelled out). */
const INIT_RUNBOOKS: Record<string, InitFlags> = {
  'init efs': { ...INIT_ACCOUNTS, type: 'efs', name: 'files', primaryId: 'fs-0123456789abcdef0', secondaryId: 'fs-0fedcba9876543210' },
  'init fsx-lustre': { ...INIT_ACCOUNTS, type: 'fsx-lustre', name: 'lustre', primaryId: 'fs-0123456789abcdef0', secondaryId: 'fs-0fedcba9876543210', primaryBucket: 'lustre-prod', secondaryBucket: 'lustre-dr' },
  'init s3': { ...INIT_ACCOUNTS, type: 's3', name: 'media', primaryBucket: 'media-prod', secondaryBucket: 'media-dr' },
};

function sources(): Array<[string, () => Runbook]> {
  const fromInit = Object.entries(INIT_RUNBOOKS).map(([label, flags]): [string, () => Runbook] => [
    label,
    () => {
      const result = parseRunbook(renderInitRunbook(toAnswers(flags)), `${label}.yaml`);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
      return result.runbook;
    },
  ]);
  return [...runbookFiles().map((file): [string, () => Runbook] => [file, () => load(file)]), ...fromInit];
}

describe('planIamPolicies over the real step kinds and standard procedures', () => {
  for (const [label, read] of sources()) {
    it(`${label}: every call of every procedure is allowed, on its own resources, with PassRole for the role it passes`, () => {
      const runbook = read();
      const resources = Object.keys(runbook.filesystems);
      const policies = new Map(planIamPolicies(runbook, resources).map((p) => [p.account, p.policy]));
      const calls = collectPlannedCalls(runbook, resources);
      for (const { call, stepKey, variant } of calls) {
        const policy = policies.get(call.account);
        const where = `${variant} ${stepKey} ${call.service}:${call.operation}`;
        expect(policy, where).toBeDefined();
        for (const arn of call.resources ?? [undefined]) {
          expect(isCoveredBy(policy!, call.service, call.operation, arn), `${where} on ${arn}`).toBe(true);
        }
        for (const role of operationInfo(call.service, call.operation)?.passRoleTo ? rolesPassedBy(call) : []) {
          expect(isCoveredBy(policy!, call.service, call.operation, undefined, { passedRole: role }), `${where} passing ${role}`).toBe(true);
        }
      }
    });
  }

  it('covers every catalogued operation the procedures name, and grants nothing the catalogue does not list', () => {
    const runbook = efsProd();
    const policies = planIamPolicies(runbook, ['efs-prod']);
    const named = new Set(collectPlannedCalls(runbook, ['efs-prod']).map((c) => `${c.call.service}:${c.call.operation}`));
    expect(named.size).toBeGreaterThan(4);
    const catalogued = Object.entries(OPERATIONS).flatMap(([service, ops]) => Object.keys(ops).map((op) => `${service}:${op}`));
    const allowedActions = new Set(policies.flatMap((p) => p.policy.Statement.flatMap((s) => s.Action)));
    const neededActions = new Set<string>(['iam:PassRole']);
    for (const key of named) {
      expect(catalogued, key).toContain(key);
      const [service, op] = key.split(':') as [ServiceName, string];
      for (const action of operationInfo(service, op)?.iam ?? []) {
        neededActions.add(action);
        expect(allowedActions, `${key} needs ${action}`).toContain(action);
      }
    }
    expect([...allowedActions].filter((a) => !neededActions.has(a))).toEqual([]);
  });

  it('scopes EFS actions to the two file systems and PassRole to the replication roles, never *', () => {
    const [dr, prod] = planIamPolicies(efsProd(), ['efs-prod']);
    const fileSystems = ['arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0123456789abcdef0', 'arn:aws:elasticfilesystem:us-west-2:222222222222:file-system/fs-0fedcba9876543210'];
    for (const account of [dr!, prod!]) {
      for (const s of account.policy.Statement) {
        expect(s.Resource, s.Sid).not.toContain('*');
        if (s.Action.every((a) => a.startsWith('elasticfilesystem:'))) expect(fileSystems, s.Sid).toEqual(expect.arrayContaining(s.Resource));
      }
    }
    const passRole = (p: typeof dr) => p!.policy.Statement.find((s) => s.Action.includes('iam:PassRole'));
    expect(passRole(prod)).toEqual({
      Sid: 'PassRole1',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::111111111111:role/efs-replication'],
      Condition: { StringEquals: { 'iam:PassedToService': 'elasticfilesystem.amazonaws.com' } },
    });
    expect(passRole(dr)?.Resource).toEqual(['arn:aws:iam::222222222222:role/efs-replication']);
    // The DR account only ever describes, protects or promotes its own replica; it never touches prod's mount targets.
    expect(isCoveredBy(dr!.policy, 'efs', 'DescribeMountTargets', fileSystems[0])).toBe(false);
  });

  it('scopes service-linked-role creation to the EFS role path and service name', () => {
    const [dr] = planIamPolicies(efsProd(), ['efs-prod']);
    expect(dr!.policy.Statement.find((s) => s.Action.includes('iam:CreateServiceLinkedRole'))).toMatchObject({
      Resource: ['arn:aws:iam::222222222222:role/aws-service-role/elasticfilesystem.amazonaws.com/*'],
      Condition: { StringLike: { 'iam:AWSServiceName': 'elasticfilesystem.amazonaws.com' } },
    });
  });

  it('is deterministic: same JSON whatever the order of resources and across calls', () => {
    const runbook = efsProd();
    expect(JSON.stringify(planIamPolicies(runbook, ['efs-prod']))).toBe(JSON.stringify(planIamPolicies(runbook, ['efs-prod'])));
    const ids = planIamPolicies(runbook, ['efs-prod']).map((p) => p.policy.Statement.map((s) => s.Sid));
    expect(ids.every((sids) => new Set(sids).size === sids.length)).toBe(true);
  });
});

describe('trust policy', () => {
  it('trusts a placeholder principal IAM rejects until edited, and requires the declared external id', () => {
    const [dr, prod] = planIamPolicies(efsProd(), ['efs-prod']);
    expect(dr!.trustPolicy.Statement).toEqual([
      {
        Sid: 'DrctlOperatorAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${BASE_ACCOUNT_PLACEHOLDER}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'drctl-dr-7f3a' } },
      },
    ]);
    expect(prod!.trustPolicy.Statement[0]?.Condition).toBeUndefined();
    expect(dr!.notes.join('\n')).toContain(`replace ${BASE_ACCOUNT_PLACEHOLDER}`);
    expect(dr!).toMatchObject({ account: 'dr', accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/drctl-operator' });
  });

  it('uses --trusted-principal when given, and then needs no placeholder note', () => {
    const principal = 'arn:aws:iam::999999999999:role/ci-runner';
    const [dr] = planIamPolicies(efsProd(), ['efs-prod'], { trustedPrincipal: principal });
    expect(dr!.trustPolicy.Statement[0]?.Principal).toEqual({ AWS: principal });
    expect(dr!.notes.join('\n')).not.toContain(BASE_ACCOUNT_PLACEHOLDER);
  });
});
