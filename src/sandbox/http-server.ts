/**
 * The sandbox over HTTP on loopback (`drctl sandbox`, the real AWS CLI, tests over sockets). It only translates
 * HTTP ⇄ SandboxRequest/Response; behaviour lives in the router core shared with the in-process handler.
 *
 * Accepts what real clients send: absolute-form request targets (the AWS CLI through HTTP_PROXY for S3 Control,
 * whose `123456789012.127.0.0.1` host WHATWG URL rejects, so targets are split by hand), virtual-host S3
 * (`bucket.localhost`, passed on in `host`), `Expect: 100-continue` (Node answers it) and aws-chunked bodies
 * (decoded by the router). A request for a region that is down gets its socket destroyed: the client sees a
 * connection reset, as with an unreachable regional endpoint.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegionDownError } from './protocol/errors.js';
import { decodeRequestPath } from './protocol/path.js';
import { createSandboxRouter, type SandboxRouter, type SandboxRouterOptions } from './router.js';
import type { SandboxRequest, SandboxResponse } from './types.js';
import type { World } from './world.js';

export interface SandboxServerOptions extends SandboxRouterOptions {
  world: World;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Called after every request that reached the router (e.g. to save the world). */
  afterRequest?: () => void;
}

export interface SandboxServer {
  url: string;
  port: number;
  router: SandboxRouter;
  close(): Promise<void>;
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const router = createSandboxRouter(options.world, options);
  const server = createServer((req, res) => {
    void serve(router, req, res).finally(() => options.afterRequest?.());
  });
  server.keepAliveTimeout = 1000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    router,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(router: SandboxRouter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const request = await toSandboxRequest(req);
    const response = await router.handle(request);
    writeResponse(res, response, request.method === 'HEAD');
  } catch (error) {
    if (error instanceof RegionDownError) {
      req.socket.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeResponse(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `drctl sandbox bug: ${message}` }, false);
  }
}

async function toSandboxRequest(req: IncomingMessage): Promise<SandboxRequest> {
  const target = splitTarget(req.url ?? '/');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: decodeRequestPath(target.path),
    query: parseQuery(target.query),
    headers,
    host: target.authority ?? headers['host'] ?? '',
    body: Buffer.concat(chunks),
  };
}

/** Splits origin-form (`/p?q`) and absolute-form (`http://host:port/p?q`) targets without URL parsing. */
export function splitTarget(target: string): { authority?: string; path: string; query: string } {
  let rest = target;
  let authority: string | undefined;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(target);
  if (absolute) {
    authority = absolute[1];
    rest = absolute[2] || '/';
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : '';
  return { ...(authority !== undefined ? { authority } : {}), path: path || '/', query };
}

/** `a=1&b&c=x%20y&a=2` → `{a:['1','2'], b:[''], c:['x y']}`. */
export function parseQuery(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeQueryComponent(eq >= 0 ? part.slice(0, eq) : part);
    const value = eq >= 0 ? decodeQueryComponent(part.slice(eq + 1)) : '';
    (out[key] ??= []).push(value);
  }
  return out;
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function writeResponse(res: ServerResponse, response: SandboxResponse, head: boolean): void {
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.from(response.body);
  const headers: Record<string, string> = { ...response.headers };
  if (!('content-length' in headers)) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(head ? undefined : body);
}
