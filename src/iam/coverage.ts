/**
 * isCoveredBy: would a policy let drctl make this call? Used by tests that replay what a drill really called
 * (the sandbox's record) against the generated policy. Allow statements only, as drctl generates them;
 * `*` and `?` wildcards are matched in actions (case-insensitively) and resources, as IAM does.
 */
import { operationInfo, type ServiceName } from '../aws/operations.js';
import { scopeResource } from './grants.js';
import type { IamPolicyDocument, IamStatement } from './types.js';

function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

function allowsAction(statement: IamStatement, action: string): boolean {
  return statement.Action.some((a) => wildcard(a, 'i').test(action));
}

function allowsResource(statement: IamStatement, resource: string | undefined): boolean {
  if (resource === undefined) return true;
  return statement.Resource.some((r) => wildcard(r).test(resource));
}

function passedToService(statement: IamStatement): string | undefined {
  const value = statement.Condition?.StringEquals?.['iam:PassedToService'];
  return typeof value === 'string' ? value : undefined;
}

export interface CoverageOptions {
  /** Also require iam:PassRole on this role, limited to the service the operation passes roles to. */
  passedRole?: string;
}

/**
 * True when every IAM action the operation needs is allowed: its own actions on `resourceArn` (any resource when
 * omitted; for S3, on the bucket or object ARN the action applies to), its iam:* service-linked-role actions on
 * some resource, and PassRole on `options.passedRole`.
 */
export function isCoveredBy(policy: IamPolicyDocument, service: ServiceName, operation: string, resourceArn?: string, options: CoverageOptions = {}): boolean {
  const info = operationInfo(service, operation);
  if (!info) return false;
  const statements = policy.Statement.filter((s) => s.Effect === 'Allow');
  for (const action of info.iam) {
    // iam:* actions act on the service-linked role, S3 ones on the bucket or its objects (see scopeResource).
    const onResource = action.startsWith('iam:') || resourceArn === undefined ? undefined : scopeResource(action, resourceArn);
    if (!statements.some((s) => allowsAction(s, action) && allowsResource(s, onResource))) return false;
  }
  if (options.passedRole !== undefined) {
    const ok = statements.some(
      (s) => allowsAction(s, 'iam:PassRole') && allowsResource(s, options.passedRole) && (info.passRoleTo === undefined || passedToService(s) === info.passRoleTo),
    );
    if (!ok) return false;
  }
  return true;
}
