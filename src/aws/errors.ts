/**
 * AWS failures as operator-facing errors. Every failed call becomes an AwsCallError that names the call, the
 * account (name and id), the region, the AWS error name and request id (for CloudTrail and support cases), says
 * whether the engine may retry it, and carries a hint about what to do next.
 */
import { DrctlError, StepError, errorMessage } from '../errors.js';
import type { ServiceName } from './operations.js';
import { operationInfo } from './operations.js';

/** Where a call went: enough to name it in a message. */
export interface CallSite {
  service: ServiceName;
  operation: string;
  account: string;
  accountId: string;
  region: string;
  /** The role drctl assumed for the account, if any (named in AccessDenied hints). */
  roleArn?: string;
  /** The resource the call was about (file system id, bucket, job id...), when the input names one. */
  resource?: string;
}

export interface AwsCallErrorFields extends CallSite {
  awsErrorName: string;
  requestId?: string;
  httpStatus?: number;
  retryable: boolean;
  hint: string;
  /** The AWS message as received. */
  awsMessage: string;
}

export class AwsCallError extends StepError {
  readonly awsErrorName: string;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly service: ServiceName;
  readonly operation: string;
  readonly account: string;
  readonly accountId: string;
  readonly region: string;
  readonly retryable: boolean;
  readonly awsMessage: string;

  constructor(code: string, message: string, fields: AwsCallErrorFields, cause?: unknown) {
    super(code, message, { hint: fields.hint, cause });
    this.name = 'AwsCallError';
    this.awsErrorName = fields.awsErrorName;
    this.requestId = fields.requestId;
    this.httpStatus = fields.httpStatus;
    this.service = fields.service;
    this.operation = fields.operation;
    this.account = fields.account;
    this.accountId = fields.accountId;
    this.region = fields.region;
    this.retryable = fields.retryable;
    this.awsMessage = fields.awsMessage;
  }
}

/**
 * A failure to obtain credentials for an account (no base credentials, expired SSO session, AssumeRole denied).
 * Thrown by the credential provider built in credentials.ts so the gateway can tell it apart from a failure of
 * the call itself (an AccessDenied from AssumeRole and one from EFS need different hints).
 */
export class CredentialResolutionError extends Error {
  constructor(
    readonly stage: 'base-credentials' | 'assume-role',
    readonly account: string,
    readonly roleArn: string | undefined,
    readonly sessionName: string | undefined,
    readonly profile: string | undefined,
    readonly original: unknown,
  ) {
    super(errorMessage(original));
    this.name = 'CredentialResolutionError';
  }
}

/** AWS error names the SDK and drctl treat as throttling (aws-reference.md §1.1). */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'TooManyRequests',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'TransactionInProgressException',
]);

/** Transient server-side names that come without a 5xx status on some protocols. */
const TRANSIENT_NAMES = new Set(['RequestTimeout', 'RequestTimeoutException', 'InternalError', 'InternalFailure', 'ServiceUnavailable']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const CREDENTIAL_NAMES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'InvalidIdentityToken',
  'InvalidAccessKeyId',
]);

const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown; attempts?: unknown };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The AWS (or Node) name of an error: `ReplicationNotFound`, `ECONNREFUSED`, `TimeoutError`... */
export function awsErrorNameOf(err: unknown): string {
  if (err instanceof AwsCallError) return err.awsErrorName;
  const s = shape(err);
  if (typeof s.code === 'string' && NETWORK_CODES.has(s.code)) return s.code;
  if (typeof s.name === 'string' && s.name !== 'Error') return s.name;
  if (typeof s.code === 'string') return s.code;
  return 'UnknownError';
}

export function httpStatusOf(err: unknown): number | undefined {
  const status = shape(err).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export function requestIdOf(err: unknown): string | undefined {
  const id = shape(err).$metadata?.requestId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

export function attemptsOf(err: unknown): number | undefined {
  const attempts = shape(err).$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}

/** Connection-level failures: the endpoint did not answer (a region that is down looks like this). */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof AwsCallError) return NETWORK_CODES.has(err.awsErrorName) || err.awsErrorName === 'TimeoutError' || err.awsErrorName === 'NetworkError';
  if (err instanceof CredentialResolutionError) return isNetworkError(err.original);
  const s = shape(err);
  if (typeof s.code === 'string' && NETWORK_CODES.has(s.code)) return true;
  if (s.name === 'TimeoutError') return true;
  return typeof s.message === 'string' && /socket hang up/i.test(s.message);
}

export function isThrottlingError(err: unknown): boolean {
  const name = awsErrorNameOf(err);
  return THROTTLING_NAMES.has(name) || httpStatusOf(err) === 429 || (err instanceof AwsCallError && err.httpStatus === 429);
}

/**
 * May the engine retry this? Throttling, 5xx, and network errors: yes. AccessDenied, validation, not-found and
 * credential problems: no (retrying cannot fix them and would only delay the operator).
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.retryable;
  if (err instanceof DrctlError) return false;
  if (err instanceof CredentialResolutionError) return isNetworkError(err.original);
  if (isThrottlingError(err) || isNetworkError(err)) return true;
  const name = awsErrorNameOf(err);
  if (CREDENTIAL_NAMES.has(name) || ACCESS_DENIED_NAMES.has(name)) return false;
  if (TRANSIENT_NAMES.has(name)) return true;
  const status = httpStatusOf(err);
  if (status !== undefined && status >= 500) return true;
  return shape(err).$retryable !== undefined && shape(err).$retryable !== false;
}

export function describeAccount(site: Pick<CallSite, 'account' | 'accountId'>): string {
  return `account ${site.account} (${site.accountId})`;
}

function describeCall(site: CallSite): string {
  const about = site.resource ? ` for ${site.resource}` : '';
  return `${site.service} ${site.operation}${about} in ${describeAccount(site)} ${site.region}`;
}

function identityUsed(site: CallSite): string {
  return site.roleArn ? `role ${site.roleArn}` : `the base credentials used for ${describeAccount(site)}`;
}

const REFRESH_HINT =
  'Refresh the credentials (for SSO profiles: `aws sso login --profile <profile>`; otherwise renew the keys or the session) and re-run the same command: the run resumes where it stopped.';

/** What the operator should do next, by error name. */
export function hintFor(name: string, site: CallSite, status: number | undefined): string {
  if (ACCESS_DENIED_NAMES.has(name) || (status === 403 && !CREDENTIAL_NAMES.has(name))) {
    const actions = operationInfo(site.service, site.operation)?.iam.join(', ') ?? `${site.service}:${site.operation}`;
    return `Check that ${identityUsed(site)} is allowed ${actions}${site.resource ? ` on ${site.resource}` : ''} in ${site.region} (identity policy, resource policy such as the file system policy, permission boundaries and SCPs).`;
  }
  if (CREDENTIAL_NAMES.has(name)) return REFRESH_HINT;
  if (NETWORK_CODES.has(name) || name === 'TimeoutError' || name === 'NetworkError') {
    return `The ${site.service} endpoint in ${site.region} did not answer: the region may be unreachable from here. Check connectivity; if the primary region is down, re-run with --primary-unavailable to act on the DR side only.`;
  }
  if (THROTTLING_NAMES.has(name) || status === 429) {
    return 'AWS throttled the call; drctl retries it with backoff. If it keeps happening, lower --parallel or retry later.';
  }
  switch (name) {
    case 'FileSystemNotFound':
      return `Check the file system id${site.resource ? ` ${site.resource}` : ''} in the runbook and that it lives in ${describeAccount(site)} ${site.region}.`;
    case 'ReplicationNotFound':
      return `No replication configuration exists for this file system in ${site.region}; run \`drctl status\` or describe the replication with the AWS CLI to see the current state.`;
    case 'ReplicationAlreadyExists':
      return 'The file system is already part of a replication configuration. Inspect it with `aws efs describe-replication-configurations` in both regions before changing anything.';
    case 'IncorrectFileSystemLifeCycleState':
      return 'The file system is not `available` (being created, updated or deleted). Wait for it to become available and re-run.';
    case 'NoSuchBucket':
      return `Check the bucket name${site.resource ? ` ${site.resource}` : ''} in the runbook and that it exists in ${describeAccount(site)}.`;
    case 'ValidationException':
    case 'BadRequest':
    case 'InvalidRequest':
      return 'AWS rejected the request as invalid; the message above says which parameter. Check the runbook values it names.';
    default:
      if (status !== undefined && status >= 500) return 'AWS reported a server-side error; drctl retries it. If it persists, check the AWS Health Dashboard for the region.';
      return 'See the AWS message above; re-run the same command after fixing the cause: the run resumes where it stopped.';
  }
}

/** Turns whatever the SDK threw into an AwsCallError (DrctlErrors, e.g. refusals, pass through unchanged). */
export function mapAwsError(err: unknown, site: CallSite): DrctlError {
  if (err instanceof DrctlError) return err;
  if (err instanceof CredentialResolutionError) return mapCredentialError(err, site);
  const name = awsErrorNameOf(err);
  const status = httpStatusOf(err);
  const requestId = requestIdOf(err);
  const awsMessage = errorMessage(err);
  const retryable = isRetryable(err);
  const code = CREDENTIAL_NAMES.has(name) ? 'aws-credentials' : 'aws-call-failed';
  const message = `${describeCall(site)} failed: ${name}: ${awsMessage}${requestId ? ` (request id ${requestId})` : ''}`;
  return new AwsCallError(code, message, {
    ...site,
    awsErrorName: name,
    ...(requestId ? { requestId } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
    retryable,
    hint: hintFor(name, site, status),
    awsMessage,
  }, err);
}

function mapCredentialError(err: CredentialResolutionError, site: CallSite): AwsCallError {
  const original = err.original;
  const name = awsErrorNameOf(original);
  const status = httpStatusOf(original);
  const requestId = requestIdOf(original);
  const awsMessage = errorMessage(original);
  const retryable = isNetworkError(original) || isThrottlingError(original);
  let what: string;
  let hint: string;
  if (err.stage === 'assume-role') {
    what = `could not assume role ${err.roleArn} (session ${err.sessionName})`;
    hint = ACCESS_DENIED_NAMES.has(name) || status === 403
      ? `Check the trust policy of ${err.roleArn}: it must allow your base identity to call sts:AssumeRole (with the external id declared in the runbook, if any), and your base identity needs sts:AssumeRole on it.`
      : isNetworkError(original)
        ? `STS in ${site.region} did not answer; check connectivity. If the region is down, re-run with --primary-unavailable.`
        : REFRESH_HINT;
  } else {
    what = `no usable base credentials${err.profile ? ` from profile ${err.profile}` : ' from the standard chain (env, profiles, SSO, instance role)'}`;
    hint = err.profile
      ? `Check profile ${err.profile} in ~/.aws/config (for SSO: \`aws sso login --profile ${err.profile}\`), or set accounts.${site.account}.profile / --profile to a working one.`
      : 'Configure credentials: `aws sso login --profile <p>` and pass --profile <p> (or set accounts.<name>.profile), or export AWS_PROFILE / AWS access keys.';
  }
  const message = `${describeCall(site)} failed: ${what}: ${name}: ${awsMessage}${requestId ? ` (request id ${requestId})` : ''}`;
  return new AwsCallError('aws-credentials', message, {
    ...site,
    awsErrorName: name,
    ...(requestId ? { requestId } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
    retryable,
    hint,
    awsMessage,
  }, original);
}
