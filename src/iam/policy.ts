/**
 * planIamPolicies: per account, the least-privilege permissions policy for the role drctl assumes there and that
 * role's trust policy. Statements grant exactly actions × resources that some call needs (never a cross product
 * of unrelated grants), and everything is sorted so the output only changes when the runbook or the step kinds do.
 */
import type { Resource, Runbook } from '../runbook/schema.js';
import type { PlannedCall } from '../steps/types.js';
import { collectPlannedCalls, type CollectedCall } from './collect.js';
import { grantsForCall, type GrantContext } from './grants.js';
import type { AccountIamPolicy, IamCondition, IamGrant, IamPolicyDocument, IamStatement, IamTrustPolicyDocument } from './types.js';

export interface IamPlanOptions {
  /** Who may assume the role (an IAM ARN). Default: a placeholder root ARN of the base account, to be edited. */
  trustedPrincipal?: string;
  /** Calls made outside step kinds (e.g. by drills), attributed to `resource`. */
  extraCalls?: Array<{ resource: string; call: PlannedCall }>;
  /** Include dependent actions aws-reference.md marks UNCERTAIN. Default true: a denied drill costs more than a broader read. */
  uncertain?: boolean;
}

/** Placeholder account id in the default trust principal: deliberately not 12 digits, so IAM rejects it unedited. */
export const BASE_ACCOUNT_PLACEHOLDER = 'BASE_ACCOUNT_ID';

const ROLE_FIELDS_BY_CALL: Record<string, readonly string[]> = {
  's3:PutBucketReplication': ['roleArn', 'reverseRoleArn'],
  's3control:CreateJob': ['batchRoleArn', 'reverseBatchRoleArn'],
};

function partitionOf(runbook: Runbook, account: string): string {
  const roleArn = runbook.accounts[account]?.roleArn;
  return /^arn:([^:]+):/.exec(roleArn ?? '')?.[1] ?? 'aws';
}

/** Roles the resource declares that live in `accountId`, for calls that pass a role without naming it. */
function fallbackRoles(resource: Resource | undefined, call: PlannedCall, accountId: string): string[] {
  const fields = ROLE_FIELDS_BY_CALL[`${call.service}:${call.operation}`];
  if (!resource || !fields) return [];
  const replication = (resource as { replication?: Record<string, unknown> }).replication ?? {};
  return fields
    .map((f) => replication[f])
    .filter((arn): arn is string => typeof arn === 'string' && arn.split(':')[4] === accountId)
    .sort();
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();
const normaliseResources = (resources: Iterable<string>) => {
  const list = sortedUnique(resources);
  return list.includes('*') ? ['*'] : list;
};
const prefixOf = (action: string) => action.split(':')[0] ?? action;
const conditionKey = (c: IamCondition | undefined) => (c ? JSON.stringify(c) : '');

interface Unit {
  prefix: string;
  actions: string[];
  resources: string[];
  condition?: IamCondition;
}

function mergeBy(units: Unit[], key: (u: Unit) => string, merge: (into: Unit, from: Unit) => void): Unit[] {
  const merged = new Map<string, Unit>();
  for (const u of units) {
    const k = key(u);
    const existing = merged.get(k);
    if (existing) merge(existing, u);
    else merged.set(k, { ...u, actions: [...u.actions], resources: [...u.resources] });
  }
  return [...merged.values()].map((u) => ({ ...u, actions: sortedUnique(u.actions), resources: normaliseResources(u.resources) }));
}

const PREFIX_NAMES: Record<string, string> = { elasticfilesystem: 'Efs', fsx: 'Fsx', s3: 'S3', iam: 'Iam', ec2: 'Ec2', cloudwatch: 'CloudWatch', sts: 'Sts' };

/** Grants → statements: one per (service, resources, condition), then identical action sets share one statement. */
export function renderStatements(grants: IamGrant[]): IamStatement[] {
  const units: Unit[] = grants.flatMap((g) => {
    const byPrefix = new Map<string, string[]>();
    for (const action of g.actions) byPrefix.set(prefixOf(action), [...(byPrefix.get(prefixOf(action)) ?? []), action]);
    return [...byPrefix].map(([prefix, actions]) => ({ prefix, actions, resources: normaliseResources(g.resources), ...(g.condition ? { condition: g.condition } : {}) }));
  });
  const sameResources = mergeBy(units, (u) => `${u.prefix}|${u.resources.join(',')}|${conditionKey(u.condition)}`, (into, from) => into.actions.push(...from.actions));
  const sameActions = mergeBy(sameResources, (u) => `${u.prefix}|${u.actions.join(',')}|${conditionKey(u.condition)}`, (into, from) => into.resources.push(...from.resources));
  sameActions.sort((a, b) => a.prefix.localeCompare(b.prefix) || a.actions.join().localeCompare(b.actions.join()) || a.resources.join().localeCompare(b.resources.join()) || conditionKey(a.condition).localeCompare(conditionKey(b.condition)));
  const counters = new Map<string, number>();
  return sameActions.map((u) => {
    const base = u.actions.includes('iam:PassRole') ? 'PassRole' : (PREFIX_NAMES[u.prefix] ?? u.prefix.replace(/[^A-Za-z0-9]/g, ''));
    const n = (counters.get(base) ?? 0) + 1;
    counters.set(base, n);
    return { Sid: `${base}${n}`, Effect: 'Allow', Action: u.actions, Resource: u.resources, ...(u.condition ? { Condition: u.condition } : {}) };
  });
}

function trustPolicyFor(runbook: Runbook, account: string, principal: string): IamTrustPolicyDocument {
  const externalId = runbook.accounts[account]?.externalId;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DrctlOperatorAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

function accountsOf(runbook: Runbook, resources: readonly string[], calls: CollectedCall[]): string[] {
  const names = new Set(calls.map((c) => c.call.account));
  for (const r of resources) {
    const resource = runbook.filesystems[r];
    if (resource) names.add(resource.primary.account).add(resource.secondary.account);
  }
  return [...names].filter((n) => Object.hasOwn(runbook.accounts, n)).sort();
}

export function planIamPolicies(runbook: Runbook, resources: readonly string[], options: IamPlanOptions = {}): AccountIamPolicy[] {
  const calls: CollectedCall[] = [
    ...collectPlannedCalls(runbook, resources),
    ...(options.extraCalls ?? []).map((e) => ({ resource: e.resource, stepKey: `${e.resource}/(extra)`, variant: 'extra', call: e.call })),
  ];
  return accountsOf(runbook, resources, calls).map((account) => {
    const declared = runbook.accounts[account];
    const accountId = declared?.id ?? '';
    const partition = partitionOf(runbook, account);
    const grants: IamGrant[] = [];
    const notes = new Set<string>();
    for (const { resource, call } of calls.filter((c) => c.call.account === account)) {
      const ctx: GrantContext = { accountId, partition, fallbackRoles: fallbackRoles(runbook.filesystems[resource], call, accountId), uncertain: options.uncertain ?? true };
      const result = grantsForCall(call, ctx);
      grants.push(...result.grants);
      for (const n of result.notes) notes.add(n);
    }
    const principal = options.trustedPrincipal ?? `arn:${partition}:iam::${BASE_ACCOUNT_PLACEHOLDER}:root`;
    if (!options.trustedPrincipal) {
      notes.add(`The trust policy's principal is a placeholder: replace ${BASE_ACCOUNT_PLACEHOLDER} with the account whose identities run drctl, or pass --trusted-principal with the exact role or user ARN.`);
    }
    if (declared?.roleArn) notes.add(`The identity drctl starts from needs sts:AssumeRole on ${declared.roleArn}.`);
    else notes.add(`accounts.${account} declares no roleArn: drctl uses the base credentials in ${accountId}, so attach the policy to that identity; the trust policy applies only if you create a role for drctl.`);
    const policy: IamPolicyDocument = { Version: '2012-10-17', Statement: renderStatements(grants) };
    return {
      account,
      accountId,
      ...(declared?.roleArn ? { roleArn: declared.roleArn } : {}),
      policy,
      trustPolicy: trustPolicyFor(runbook, account, principal),
      notes: [...notes].sort(),
    };
  });
}
