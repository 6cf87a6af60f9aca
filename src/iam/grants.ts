/**
 * One planned call → the IAM grants it needs: the operation's actions (src/aws/operations.ts) on the call's
 * resource ARNs, the service-linked-role actions scoped to that service's role path, iam:PassRole on the role the
 * call passes (limited to the service it is passed to), and — where aws-reference.md §7 is UNCERTAIN — the
 * dependent actions AWS may also check, unless the caller opts out.
 */
import { operationInfo } from '../aws/operations.js';
import { ROLE_ARN } from '../runbook/common.js';
import type { PlannedCall } from '../steps/types.js';
import type { IamGrant } from './types.js';

export interface GrantContext {
  accountId: string;
  partition: string;
  /** Roles the runbook declares in this account for the resource, used when a call does not name its role. */
  fallbackRoles: string[];
  /** Include dependent actions whose need aws-reference.md marks UNCERTAIN (default true). */
  uncertain: boolean;
}

export interface CallGrants {
  grants: IamGrant[];
  notes: string[];
}

/** Services whose service-linked role an operation may create, by `<service>:<operation>`. */
const SERVICE_LINKED_ROLE: Record<string, string> = {
  'efs:CreateReplicationConfiguration': 'elasticfilesystem.amazonaws.com',
  'fsx:CreateFileSystem': 'fsx.amazonaws.com',
  'fsx:CreateDataRepositoryAssociation': 's3.data-source.lustre.fsx.amazonaws.com',
};

/** Operations that always pass a role (the API requires one); EFS passes one only for cross-account replication. */
const ROLE_REQUIRED = new Set(['s3:PutBucketReplication', 's3control:CreateJob']);

export class UnknownOperationError extends Error {}

/** S3 actions on objects (`arn:aws:s3:::bucket/key`); every other bucket action applies to the bucket ARN itself. */
const S3_OBJECT_ACTIONS = new Set(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:InitiateReplication']);
/**
 * S3 Batch Operations actions granted on `*`: whether CreateJob and ListJobs accept a job resource is not settled
 * in aws-reference.md, and `*` works either way (the job can only run as the batch role PassRole allows).
 */
const S3_ANY_RESOURCE_ACTIONS = new Set(['s3:CreateJob', 's3:ListJobs']);

/**
 * The resource an action applies to, from a call's resource ARN: S3 splits one call's needs between the bucket
 * (ListBucket for HeadObject) and its objects (GetObject), and IAM ignores an action on the wrong kind of ARN.
 */
export function scopeResource(action: string, arn: string): string {
  if (!action.startsWith('s3:') || arn === '*') return arn;
  if (S3_ANY_RESOURCE_ACTIONS.has(action)) return '*';
  const match = /^(arn:[^:]+:s3:::[^/]+)(\/.*)?$/.exec(arn);
  if (!match?.[1]) return arn;
  if (S3_OBJECT_ACTIONS.has(action)) return match[2] ? arn : `${match[1]}/*`;
  return match[1];
}

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, into);
  return into;
}

/** The role ARNs a call passes: any role ARN among its parameters (RoleArn, Role, Destinations[].RoleArn...). */
export function rolesPassedBy(call: PlannedCall): string[] {
  return [...new Set(stringsIn(call.params).filter((s) => ROLE_ARN.test(s)))].sort();
}

function linkedBuckets(call: PlannedCall): string[] {
  const fromPath = stringsIn(call.params).flatMap((s) => {
    const match = /^s3:\/\/([^/]+)/.exec(s);
    return match?.[1] ? [match[1]] : [];
  });
  const fromArns = (call.resources ?? []).flatMap((arn) => {
    const match = /^arn:[^:]+:s3:::([^/]+)$/.exec(arn);
    return match?.[1] ? [match[1]] : [];
  });
  return [...new Set([...fromPath, ...fromArns])].sort();
}

function passRoleGrants(call: PlannedCall, passedTo: string, ctx: GrantContext, notes: string[]): IamGrant[] {
  const key = `${call.service}:${call.operation}`;
  let roles = rolesPassedBy(call);
  if (roles.length === 0 && ROLE_REQUIRED.has(key)) {
    roles = ctx.fallbackRoles;
    if (roles.length === 0) {
      roles = [`arn:${ctx.partition}:iam::${ctx.accountId}:role/*`];
      notes.push(`${key} passes a role the runbook does not name: iam:PassRole is granted on every role of account ${ctx.accountId}; narrow it to the role you use.`);
    }
  }
  if (roles.length === 0) return [];
  return [{ actions: ['iam:PassRole'], resources: roles, condition: { StringEquals: { 'iam:PassedToService': passedTo } } }];
}

function uncertainGrants(call: PlannedCall, ctx: GrantContext, notes: string[]): IamGrant[] {
  const key = `${call.service}:${call.operation}`;
  if (key === 'fsx:CreateDataRepositoryAssociation') {
    const buckets = linkedBuckets(call);
    if (buckets.length === 0) return [];
    notes.push(`s3:Get*, s3:List* and s3:PutObject on ${buckets.join(', ')} are included for fsx:CreateDataRepositoryAssociation because AWS may check them (aws-reference.md §7, uncertain).`);
    const arns = buckets.map((b) => `arn:${ctx.partition}:s3:::${b}`);
    return [
      { actions: ['s3:Get*', 's3:List*'], resources: [...arns, ...arns.map((a) => `${a}/*`)] },
      { actions: ['s3:PutObject'], resources: arns.map((a) => `${a}/*`) },
    ];
  }
  if (key === 'fsx:CreateFileSystem') {
    notes.push('ec2:DescribeSubnets, ec2:DescribeSecurityGroups and ec2:DescribeVpcs are included for fsx:CreateFileSystem (network checks; aws-reference.md §7, uncertain). A customer-managed KMS key also needs kms:DescribeKey and kms:CreateGrant on it.');
    return [{ actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'], resources: ['*'] }];
  }
  return [];
}

export function grantsForCall(call: PlannedCall, ctx: GrantContext): CallGrants {
  const info = operationInfo(call.service, call.operation);
  if (!info) {
    throw new UnknownOperationError(`${call.service}:${call.operation} is not in the operation catalogue (src/aws/operations.ts)`);
  }
  const notes: string[] = [];
  const key = `${call.service}:${call.operation}`;
  const resources = call.resources && call.resources.length > 0 ? [...call.resources] : ['*'];
  const own = info.iam.filter((a) => !a.startsWith('iam:'));
  const grants: IamGrant[] = own.map((action) => ({ actions: [action], resources: [...new Set(resources.map((arn) => scopeResource(action, arn)))] }));
  const iamActions = info.iam.filter((a) => a.startsWith('iam:'));
  if (iamActions.length > 0) {
    const principal = SERVICE_LINKED_ROLE[key];
    const path = principal ? `aws-service-role/${principal}/*` : 'aws-service-role/*';
    const slr = [`arn:${ctx.partition}:iam::${ctx.accountId}:role/${path}`];
    const create = iamActions.filter((a) => a === 'iam:CreateServiceLinkedRole');
    const others = iamActions.filter((a) => a !== 'iam:CreateServiceLinkedRole');
    if (create.length > 0) {
      grants.push({ actions: create, resources: slr, ...(principal ? { condition: { StringLike: { 'iam:AWSServiceName': principal } } } : {}) });
    }
    if (others.length > 0) grants.push({ actions: others, resources: slr });
  }
  if (info.passRoleTo) grants.push(...passRoleGrants(call, info.passRoleTo, ctx, notes));
  if (ctx.uncertain) grants.push(...uncertainGrants(call, ctx, notes));
  return { grants, notes };
}
