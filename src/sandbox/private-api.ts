/**
 * The sandbox's private HTTP API under `/_sandbox/` — not AWS, unsigned, only in the emulator (docs/sandbox.md):
 *
 *   GET    /_sandbox/health                          → {"ok":true,"now":<epoch ms>}
 *   GET    /_sandbox/world                           → the whole world data (debugging)
 *   GET    /_sandbox/faults                          → active faults
 *   POST   /_sandbox/faults        {fault JSON}      → {"id":"fault-N"}
 *   DELETE /_sandbox/faults[/<id>]                   → clears one or all faults
 *   <data plane>  /_sandbox/<kind>/<resource-id>/files[/<path>]   (kinds register with registerDataPlane)
 *
 * Data-plane routes take the owner as `?account=&region=` or `x-sandbox-account` / `x-sandbox-region` headers;
 * when omitted, the resource is looked up across the world by id.
 */
import { scenarioFaultSchema } from './scenario-schema.js';
import { AwsError } from './protocol/errors.js';
import type { SandboxRequest, SandboxResponse } from './types.js';
import type { World } from './world.js';

export const PRIVATE_PREFIX = '/_sandbox';

export interface DataPlaneRequest {
  method: string;
  resourceId: string;
  /** The file path after `/files`, '/'-prefixed, or undefined for the collection itself. */
  path: string | undefined;
  accountId?: string;
  region?: string;
  query: Record<string, string[]>;
  body: Buffer;
}

export type DataPlaneHandler = (world: World, request: DataPlaneRequest) => SandboxResponse;

const dataPlanes = new Map<string, DataPlaneHandler>();

/** Registers `/_sandbox/<kind>/<resource-id>/files[/<path>]` (e.g. kind `efs`, `fsx`). */
export function registerDataPlane(kind: string, handler: DataPlaneHandler): void {
  dataPlanes.set(kind, handler);
}

export function handlePrivateRequest(world: World, request: SandboxRequest): SandboxResponse {
  try {
    return dispatch(world, request);
  } catch (error) {
    if (error instanceof AwsError) return privateError(error.status, error.code, error.message);
    throw error;
  }
}

function dispatch(world: World, request: SandboxRequest): SandboxResponse {
  const segments = request.path.slice(PRIVATE_PREFIX.length).split('/').filter(Boolean);
  const [first, second, third, ...rest] = segments;
  if (first === 'health' && request.method === 'GET') return privateJson(200, { ok: true, now: world.now() });
  if (first === 'world' && request.method === 'GET') return privateJson(200, world.data);
  if (first === 'faults') return faults(world, request, second);
  const dataPlane = first ? dataPlanes.get(first) : undefined;
  if (dataPlane && second && third === 'files') {
    const accountId = request.query['account']?.[0] ?? request.headers['x-sandbox-account'];
    const region = request.query['region']?.[0] ?? request.headers['x-sandbox-region'];
    return dataPlane(world, {
      method: request.method,
      resourceId: second,
      path: rest.length > 0 ? `/${rest.map((s) => s.replace(/%2F/gi, '/')).join('/')}` : undefined,
      query: request.query,
      body: request.body,
      ...(accountId ? { accountId } : {}),
      ...(region ? { region } : {}),
    });
  }
  return privateError(404, 'NotFound', `No sandbox API at ${request.method} ${request.path}. See docs/sandbox.md (private API).`);
}

function faults(world: World, request: SandboxRequest, id: string | undefined): SandboxResponse {
  if (request.method === 'GET') return privateJson(200, { faults: world.faults.list() });
  if (request.method === 'DELETE') {
    if (id) world.faults.remove(id);
    else world.faults.clear();
    return { status: 204, headers: {} };
  }
  if (request.method === 'POST') {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return privateError(400, 'BadRequest', 'The fault must be a JSON object, e.g. {"kind":"region-down","region":"us-east-1"}.');
    }
    const parsed = scenarioFaultSchema.safeParse(body);
    if (!parsed.success) return privateError(400, 'BadRequest', `Invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return privateJson(201, { id: world.faults.add(parsed.data) });
  }
  return privateError(405, 'MethodNotAllowed', `${request.method} is not supported on /_sandbox/faults.`);
}

export function privateJson(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function privateError(status: number, code: string, message: string): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', 'x-sandbox-error': code }, body: JSON.stringify({ code, message }) };
}
