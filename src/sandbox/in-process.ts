/**
 * The sandbox as an SDK `requestHandler`: SDK clients built with `requestHandler: new InProcessHandler(world)`
 * talk to the emulator without sockets (the CLI's --sandbox, and fast tests). It converts the signed smithy
 * HttpRequest into a SandboxRequest, runs the same router core as the HTTP server, and returns a duck-typed
 * HttpResponse (the SDK checks shape, not class) whose body is a Node stream like NodeHttpHandler's.
 *
 * A region that is down makes `handle` reject with an ECONNREFUSED error, as a real unreachable endpoint does;
 * the SDK classifies that as a transient network error.
 */
import { Readable } from 'node:stream';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import { RegionDownError } from './protocol/errors.js';
import { decodeRequestPath } from './protocol/path.js';
import { createSandboxRouter, type SandboxRouter, type SandboxRouterOptions } from './router.js';
import type { SandboxRequest } from './types.js';
import type { World } from './world.js';

export class InProcessHandler {
  readonly router: SandboxRouter;
  private config: Record<string, unknown> = {};

  constructor(world: World, options: SandboxRouterOptions = {}) {
    this.router = createSandboxRouter(world, options);
  }

  get world(): World {
    return this.router.world;
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = options.abortSignal;
    if (signal?.aborted) throw abortError();
    const sandboxRequest = await toSandboxRequest(request);
    let result;
    try {
      result = await this.router.handle(sandboxRequest);
    } catch (error) {
      if (error instanceof RegionDownError) throw connectionRefused(error);
      throw error;
    }
    const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body);
    const headers = { ...result.headers };
    if (!('content-length' in headers) && request.method !== 'HEAD') headers['content-length'] = String(body.length);
    return { response: { statusCode: result.status, headers, body: Readable.from(body.length ? [body] : []) } };
  }

  updateHttpClientConfig(key: string, value: unknown): void {
    this.config[key] = value;
  }

  httpHandlerConfigs(): Record<string, unknown> {
    return this.config;
  }

  destroy(): void {
    // Nothing to release: no sockets, no timers.
  }
}

/** Converts the SDK's request (body: string | bytes | stream) into the router's shape. */
export async function toSandboxRequest(request: HttpRequest): Promise<SandboxRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === null) query[name] = [''];
    else query[name] = Array.isArray(value) ? [...value] : [value];
  }
  const port = request.port ? `:${request.port}` : '';
  const host = headers['host'] ?? `${request.hostname}${port}`;
  return { method: request.method.toUpperCase(), path: decodeRequestPath(request.path || '/'), query, headers, host, body: await readBody(request.body) };
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isAsyncIterable(body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new Error(`sandbox in-process handler: unsupported request body type ${Object.prototype.toString.call(body)}`);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function connectionRefused(cause: RegionDownError): Error {
  const error = new Error(cause.message, { cause }) as Error & { code: string; errno: number; syscall: string };
  error.name = 'Error';
  error.code = 'ECONNREFUSED';
  error.errno = -111;
  error.syscall = 'connect';
  return error;
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}
