/**
 * Errors a service handler throws. The router renders them in the service's own protocol (restJson1 header + body,
 * awsJson `__type`, awsQuery/restXml `<Error>`), so handlers never format errors themselves.
 */
import type { ServiceName } from '../../aws/operations.js';

export interface AwsErrorOptions {
  /** `Sender` (client fault, default for 4xx) or `Receiver` (server fault). */
  type?: 'Sender' | 'Receiver';
  /** Extra members copied into the error body (e.g. FSx `Parameter`, S3 `Condition`). */
  fields?: Record<string, string | number | boolean>;
  /** Extra response headers (e.g. `x-amz-retry-after`). */
  headers?: Record<string, string>;
}

/** An AWS error as the service would send it: the exact AWS error code, the HTTP status and a message. */
export class AwsError extends Error {
  readonly type: 'Sender' | 'Receiver';
  readonly fields: Record<string, string | number | boolean>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AwsErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.type = options.type ?? (status >= 500 ? 'Receiver' : 'Sender');
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

/**
 * The answer for an operation the sandbox does not emulate. 501 is not retried by the SDKs (only 500/502/503/504
 * are transient), so the caller fails at once with a message that names the operation.
 */
export function notImplemented(service: ServiceName, operation: string): AwsError {
  return new AwsError(
    'NotImplemented',
    501,
    `The drctl sandbox does not emulate ${service}:${operation}. See docs/sandbox.md for the operations it covers.`,
  );
}

/**
 * Thrown (never rendered) when the request's region is marked down: the HTTP server destroys the socket and the
 * in-process handler throws ECONNREFUSED, which is what a client sees when a region's endpoint is unreachable.
 */
export class RegionDownError extends Error {
  readonly code = 'ECONNREFUSED';
  constructor(readonly region: string) {
    super(`connect ECONNREFUSED: the sandbox region ${region} is down (fault injected)`);
    this.name = 'RegionDownError';
  }
}
