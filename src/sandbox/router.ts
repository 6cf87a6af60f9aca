/**
 * The sandbox core: `handle(SandboxRequest) → SandboxResponse` over a World. Both transports (HTTP server,
 * in-process SDK handler) call this and only this.
 *
 * Per request: normalise the body (aws-chunked) → private `/_sandbox/` API, or → SigV4 credential scope → service
 * (by signing name; `s3` + `/v20180820/` or `x-amz-account-id` is S3 Control) → advance time-driven state →
 * region down? (throw RegionDownError: the transport drops the connection) → resolve the access key to an account
 * → injected faults → the service handler. AwsErrors thrown by handlers are rendered in the service's protocol;
 * anything else is a sandbox bug and answers a 500 that says so.
 */
import type { ServiceName } from '../aws/operations.js';
import { normaliseAwsChunked } from './protocol/aws-chunked.js';
import { AwsError, RegionDownError } from './protocol/errors.js';
import { restJsonError } from './protocol/rest-json.js';
import { parseCredentialScope, sdkAttempt } from './protocol/sigv4.js';
import { handlePrivateRequest, PRIVATE_PREFIX } from './private-api.js';
import { SANDBOX_SERVICES } from './services/index.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from './types.js';
import type { CredentialRecord, World } from './world.js';

/** SigV4 signing name → service. S3 Control signs as `s3` and is told apart by its path/header. */
const SIGNING_NAMES: Record<string, ServiceName> = {
  elasticfilesystem: 'efs',
  fsx: 'fsx',
  s3: 's3',
  sts: 'sts',
  monitoring: 'cloudwatch',
};

/** How each service spells the errors the router itself produces (codes and statuses as AWS sends them). */
type RouterErrorKind = 'throttle' | 'denied' | 'badToken' | 'expired' | 'internal';
const ROUTER_ERRORS: Record<ServiceName, Record<RouterErrorKind, [code: string, status: number]>> = {
  efs: {
    throttle: ['ThrottlingException', 429],
    denied: ['AccessDeniedException', 403],
    badToken: ['UnrecognizedClientException', 403],
    expired: ['ExpiredTokenException', 403],
    internal: ['InternalServerError', 500],
  },
  fsx: {
    throttle: ['ThrottlingException', 400],
    denied: ['AccessDeniedException', 400],
    badToken: ['UnrecognizedClientException', 400],
    expired: ['ExpiredTokenException', 400],
    internal: ['InternalServerError', 500],
  },
  s3: {
    throttle: ['SlowDown', 503],
    denied: ['AccessDenied', 403],
    badToken: ['InvalidAccessKeyId', 403],
    expired: ['ExpiredToken', 400],
    internal: ['InternalError', 500],
  },
  s3control: {
    throttle: ['TooManyRequestsException', 400],
    denied: ['AccessDenied', 403],
    badToken: ['InvalidAccessKeyId', 403],
    expired: ['ExpiredToken', 400],
    internal: ['InternalServiceException', 500],
  },
  sts: {
    throttle: ['Throttling', 400],
    denied: ['AccessDenied', 403],
    badToken: ['InvalidClientTokenId', 403],
    expired: ['ExpiredTokenException', 400],
    internal: ['InternalFailure', 500],
  },
  cloudwatch: {
    throttle: ['Throttling', 400],
    denied: ['AccessDenied', 403],
    badToken: ['InvalidClientTokenId', 403],
    expired: ['ExpiredToken', 400],
    internal: ['InternalServiceError', 500],
  },
};

export interface SandboxRequestRecord {
  service?: ServiceName;
  operation?: string;
  accountId?: string;
  region?: string;
  attempt: number;
  status: number | 'connection-refused';
  errorCode?: string;
  requestId?: string;
}

export interface SandboxRouterOptions {
  /** Services to route to (default: every registered service). */
  services?: readonly SandboxService[];
  /** Called once per request with what happened; for tests and the server's request log. */
  onRequest?: (record: SandboxRequestRecord) => void;
}

export interface SandboxRouter {
  readonly world: World;
  handle(request: SandboxRequest): Promise<SandboxResponse>;
}

export function createSandboxRouter(world: World, options: SandboxRouterOptions = {}): SandboxRouter {
  const byName = new Map<ServiceName, SandboxService>();
  for (const service of options.services ?? SANDBOX_SERVICES) byName.set(service.service, service);
  const report = options.onRequest ?? (() => undefined);
  return {
    world,
    handle: async (incoming) => {
      const record: SandboxRequestRecord = { attempt: sdkAttempt(incoming), status: 0 };
      try {
        const response = await route(world, byName, normaliseAwsChunked(incoming), record);
        record.status = response.status;
        if (response.status >= 400) record.errorCode ??= response.headers['x-amzn-errortype'];
        return response;
      } catch (error) {
        if (error instanceof RegionDownError) record.status = 'connection-refused';
        throw error;
      } finally {
        report(record);
      }
    },
  };
}

/** Which service a signed request is for. */
export function resolveService(signingName: string, request: SandboxRequest): ServiceName | undefined {
  const service = SIGNING_NAMES[signingName];
  if (service !== 's3') return service;
  const isControl = request.path.startsWith('/v20180820/') || request.headers['x-amz-account-id'] !== undefined;
  return isControl ? 's3control' : 's3';
}

async function route(
  world: World,
  services: Map<ServiceName, SandboxService>,
  request: SandboxRequest,
  record: SandboxRequestRecord,
): Promise<SandboxResponse> {
  if (request.path === PRIVATE_PREFIX || request.path.startsWith(`${PRIVATE_PREFIX}/`)) {
    world.advance();
    return handlePrivateRequest(world, request);
  }
  const requestId = world.newRequestId();
  record.requestId = requestId;
  const scope = parseCredentialScope(request);
  if (!scope) {
    return unroutable(403, 'MissingAuthenticationToken', 'The request is not signed (no SigV4 Authorization header). Configure credentials, e.g. AWS_ACCESS_KEY_ID=AKIDSANDBOX.', requestId);
  }
  const serviceName = resolveService(scope.signingName, request);
  const service = serviceName ? services.get(serviceName) : undefined;
  if (!serviceName || !service) {
    return unroutable(400, 'NotImplemented', `The drctl sandbox does not emulate the AWS service signed as '${scope.signingName}'.`, requestId);
  }
  record.service = serviceName;
  record.region = scope.region;
  const operation = service.operationOf(request);
  record.operation = operation;
  const withId = (response: SandboxResponse) => addRequestId(response, requestId);
  const fail = (error: AwsError) => {
    record.errorCode = error.code;
    return withId(service.renderError(error, request, requestId));
  };
  const errors = ROUTER_ERRORS[serviceName];

  const now = world.now();
  world.advance(now);
  if (world.faults.isRegionDown(scope.region)) throw new RegionDownError(scope.region);

  const caller = world.credentialsFor(scope.accessKeyId);
  const credentialProblem = checkCredentials(caller, scope.sessionToken, now);
  if (credentialProblem === 'unknown' || !caller) {
    const [code, status] = errors.badToken;
    return fail(new AwsError(code, status, `The security token included in the request is invalid: access key ${scope.accessKeyId} is not known to the sandbox (use AKIDSANDBOX or keys returned by sts:AssumeRole).`));
  }
  if (credentialProblem === 'expired') {
    const [code, status] = errors.expired;
    return fail(new AwsError(code, status, `The security token included in the request is expired (access key ${caller.accessKeyId}, expired ${new Date(caller.expiresAt ?? 0).toISOString()}). Assume the role again.`));
  }
  record.accountId = caller.accountId;

  const outcome = world.faults.forRequest({
    service: serviceName,
    operation: operation ?? '*',
    accountId: caller.accountId,
    region: scope.region,
    attempt: record.attempt,
  });
  if (outcome.latencyMs > 0) await world.clock.sleep(outcome.latencyMs);
  if (outcome.error) {
    const what = `${serviceName}:${operation ?? 'request'} in ${caller.accountId}/${scope.region}`;
    if (outcome.error.kind === 'throttle') {
      const [code, status] = errors.throttle;
      return fail(new AwsError(code, status, `Rate exceeded (sandbox fault injected on ${what}).`));
    }
    if (outcome.error.kind === 'access-denied') {
      const [code, status] = errors.denied;
      return fail(new AwsError(code, status, `User: ${caller.arn} is not authorized to perform: ${serviceName}:${operation ?? '*'} (sandbox fault injected).`));
    }
    const [code] = errors.internal;
    return fail(new AwsError(code, outcome.error.status, `Internal error (sandbox fault injected on ${what}).`));
  }

  const call: CallContext = {
    service: serviceName,
    accountId: caller.accountId,
    region: scope.region,
    principalArn: caller.arn,
    requestId,
    now,
  };
  try {
    return withId(await service.handle(request, call, world));
  } catch (error) {
    if (error instanceof AwsError) return fail(error);
    if (error instanceof RegionDownError) throw error;
    const [code] = errors.internal;
    const detail = error instanceof Error ? error.message : String(error);
    return fail(new AwsError(code, 500, `drctl sandbox bug while handling ${serviceName}:${operation ?? '?'}: ${detail}`));
  }
}

function checkCredentials(caller: CredentialRecord | undefined, sessionToken: string | undefined, now: number): 'ok' | 'unknown' | 'expired' {
  if (!caller) return 'unknown';
  if (caller.sessionToken !== undefined && caller.sessionToken !== sessionToken) return 'unknown';
  if (caller.expiresAt !== undefined && now >= caller.expiresAt) return 'expired';
  return 'ok';
}

function addRequestId(response: SandboxResponse, requestId: string): SandboxResponse {
  if (response.headers['x-amzn-requestid'] || response.headers['x-amz-request-id']) return response;
  return { ...response, headers: { ...response.headers, 'x-amzn-requestid': requestId } };
}

/** For requests that name no known service we cannot know the protocol; JSON with x-amzn-ErrorType is the best guess. */
function unroutable(status: number, code: string, message: string, requestId: string): SandboxResponse {
  const response = restJsonError(new AwsError(code, status, message));
  return addRequestId(response, requestId);
}
