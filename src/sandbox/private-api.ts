/**
 * The sandbox's private HTTP API under `/_sandbox/` (not AWS): the data plane for canaries and scenario control.
 * Unsigned; it exists only in the emulator. See docs/sandbox.md.
 */
import type { SandboxRequest, SandboxResponse } from './types.js';
import type { World } from './world.js';

export const PRIVATE_PREFIX = '/_sandbox';

export function handlePrivateRequest(_world: World, request: SandboxRequest): SandboxResponse {
  return privateError(404, 'NotFound', `No sandbox API at ${request.method} ${request.path}.`);
}

export function privateError(status: number, code: string, message: string): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, message }) };
}
