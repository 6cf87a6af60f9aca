/**
 * awsJson 1.0 / 1.1 (CloudWatch, FSx): `POST /` with `X-Amz-Target: <Service>.<Operation>` and a JSON body.
 * Errors are `{"__type": code, "message": …}`; query-compatible services (CloudWatch) also send
 * `x-amzn-query-error: <Code>;<Sender|Receiver>` so the SDK can expose `e.Code` / `e.Type`.
 */
import type { SandboxRequest, SandboxResponse } from '../types.js';
import type { AwsError } from './errors.js';

export type AwsJsonVersion = '1.0' | '1.1';

/** The operation named by `X-Amz-Target` (the part after the last dot). */
export function awsJsonOperation(request: SandboxRequest): string | undefined {
  const target = request.headers['x-amz-target'];
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  return dot >= 0 ? target.slice(dot + 1) : target;
}

export function isAwsJsonRequest(request: SandboxRequest): boolean {
  return request.headers['x-amz-target'] !== undefined || (request.headers['content-type'] ?? '').includes('amz-json');
}

export function awsJsonResponse(version: AwsJsonVersion, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}`, ...headers },
    body: JSON.stringify(body ?? {}),
  };
}

export interface AwsJsonErrorOptions {
  /** Written as `<namespace>#<code>` in `__type` (e.g. `com.amazonaws.cloudwatch`). */
  namespace?: string;
  /** The shape name when it differs from the wire code (CloudWatch: code `InvalidParameterValue`, shape `…Exception`). */
  shapeName?: string;
  /** Adds `x-amzn-query-error` for awsQueryCompatible services. */
  queryCompatible?: boolean;
}

export function awsJsonError(version: AwsJsonVersion, error: AwsError, options: AwsJsonErrorOptions = {}): SandboxResponse {
  const shape = options.shapeName ?? error.code;
  const type = options.namespace ? `${options.namespace}#${shape}` : shape;
  const headers: Record<string, string> = { 'content-type': `application/x-amz-json-${version}`, ...error.headers };
  if (options.queryCompatible) headers['x-amzn-query-error'] = `${error.code};${error.type}`;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: type, message: error.message, Message: error.message, ...error.fields }),
  };
}

/** The JSON body as an object ({} when empty). */
export function readAwsJsonBody(request: SandboxRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  const parsed: unknown = JSON.parse(request.body.toString('utf8'));
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
