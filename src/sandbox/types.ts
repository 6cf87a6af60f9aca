/**
 * Contracts of the local AWS emulator (see docs/sandbox.md). One core, `handle(request) → response`, over a World
 * of per-account, per-region service state, served over HTTP (drctl sandbox) or in process as the SDK's
 * requestHandler (--sandbox). Services live one folder each under services/, with the same shape.
 */
import type { ServiceName } from '../aws/operations.js';
import type { AwsError } from './protocol/errors.js';
import type { World } from './world.js';

export interface SandboxRequest {
  method: string;
  /** Decoded path without the query, e.g. `/2015-02-01/file-systems`. Absolute-form targets are reduced to this. */
  path: string;
  /** Query parameters; a key without `=` has the value ''. Repeated keys keep every value. */
  query: Record<string, string[]>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  host: string;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Who is calling and where, resolved from the SigV4 credential scope and the access key. */
export interface CallContext {
  service: ServiceName;
  accountId: string;
  region: string;
  /** The access key's principal ARN (root, user or assumed role). */
  principalArn: string;
  requestId: string;
  now: number;
}

export interface ServiceHandler<W> {
  readonly service: ServiceName;
  handle(request: SandboxRequest, call: CallContext, world: W): Promise<SandboxResponse> | SandboxResponse;
}


/**
 * A service as the router sees it: it names the operation of a request (for fault matching and NotImplemented
 * messages), handles it, and renders AwsErrors in its own protocol. Register it in services/index.ts.
 */
export interface SandboxService extends ServiceHandler<World> {
  /** The operation a request is for, or undefined when the request matches no known route/target. */
  operationOf(request: SandboxRequest): string | undefined;
  /** Renders an error in this service's protocol (for the same request). */
  renderError(error: AwsError, request: SandboxRequest, requestId: string): SandboxResponse;
}
