/**
 * The sandbox's private data-plane API (`/_sandbox/<kind>/<id>/files/...`, docs/sandbox.md), reached in process
 * (the --sandbox emulator's router) or over HTTP (--sandbox-endpoint). Drills use it to write and read canaries
 * on emulated file systems, exactly as a drill host would on real mounts.
 */
import type { SandboxRequest, SandboxResponse } from '../sandbox/types.js';

export interface SandboxDataPlane {
  request(method: string, path: string, query: Record<string, string>, body?: string): Promise<{ status: number; body: string }>;
}

export function inProcessDataPlane(router: { handle(request: SandboxRequest): Promise<SandboxResponse> }): SandboxDataPlane {
  return {
    async request(method, path, query, body) {
      const response = await router.handle({
        method,
        path,
        query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
        headers: {},
        host: 'sandbox',
        body: Buffer.from(body ?? ''),
      });
      return { status: response.status, body: response.body === undefined ? '' : Buffer.from(response.body).toString('utf8') };
    },
  };
}

export function httpDataPlane(endpoint: string): SandboxDataPlane {
  return {
    async request(method, path, query, body) {
      const url = new URL(path, endpoint);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const response = await fetch(url, { method, ...(body === undefined ? {} : { body }) });
      return { status: response.status, body: await response.text() };
    },
  };
}
