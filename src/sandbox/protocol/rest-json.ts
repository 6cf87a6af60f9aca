/**
 * restJson1 (EFS): JSON responses and errors. Errors carry the `x-amzn-ErrorType` header *and* the
 * `{ErrorCode, Message}` body real EFS sends: the JS SDK reads the header (a body with only ErrorCode would
 * surface as "Unknown"), other tools read the body.
 */
import type { SandboxRequest, SandboxResponse } from '../types.js';
import type { AwsError } from './errors.js';

export function restJsonResponse(status: number, body?: unknown, headers: Record<string, string> = {}): SandboxResponse {
  if (body === undefined) return { status, headers: { ...headers } };
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function restJsonError(error: AwsError): SandboxResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, ...error.headers },
    body: JSON.stringify({ ErrorCode: error.code, Message: error.message, ...error.fields }),
  };
}

/** The request's JSON body as an object ({} when empty); throws SyntaxError text the caller maps to BadRequest. */
export function readJsonBody(request: SandboxRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  const parsed: unknown = JSON.parse(request.body.toString('utf8'));
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** First value of a query parameter. */
export function queryParam(request: SandboxRequest, name: string): string | undefined {
  return request.query[name]?.[0];
}
