/**
 * The Lustre data plane: each file system carries a small file tree `{ path → { content, mtime } }` (deletions
 * leave tombstones so auto-export can mirror them). In process through these functions, over HTTP as
 * `/_sandbox/fsx/<fs-id>/files[/<path>]` (same shape as the EFS data plane):
 *
 *   GET    …/files[?prefix=/dir]   → {"files":[{path, content, mtime, released?}]}
 *   GET    …/files/<path>          → the content (text/plain), `x-sandbox-mtime` header; 404 when absent
 *   PUT    …/files/<path>  (body)  → {"path","mtime"}; 409 when the file system is not AVAILABLE
 *   DELETE …/files/<path>          → 204; 404 when absent
 */
import { AwsError } from '../../protocol/errors.js';
import { privateError, privateJson, type DataPlaneRequest } from '../../private-api.js';
import type { SandboxResponse } from '../../types.js';
import type { World } from '../../world.js';
import { FSX_STATE, type FileSystemRecord, type FsxRegionState } from './model.js';

export interface LustreLocator {
  accountId: string;
  region: string;
  fileSystemId: string;
}

export interface LustreFileView {
  path: string;
  content: string;
  mtime: number;
  released?: boolean;
}

export function normaliseLustrePath(path: string): string {
  const parts = path.split('/').filter((p) => p.length > 0 && p !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new AwsError('InvalidPath', 400, `'${path}' is not a valid file path (expected e.g. /data/canary.txt).`);
  return `/${parts.join('/')}`;
}

function locate(world: World, at: LustreLocator): FileSystemRecord {
  world.advance();
  const fs = world.peekState<FsxRegionState>(FSX_STATE, at.accountId, at.region)?.fileSystems[at.fileSystemId];
  if (!fs) throw new AwsError('FileSystemNotFound', 404, `File system '${at.fileSystemId}' does not exist in account ${at.accountId}, region ${at.region}.`);
  return fs;
}

function assertMounted(fs: FileSystemRecord, path: string): void {
  if (fs.lifecycle !== 'AVAILABLE' && fs.lifecycle !== 'UPDATING') {
    throw new AwsError('FileSystemUnavailable', 409, `Cannot write ${path} on ${fs.fileSystemId} (${fs.ownerId}/${fs.region}): it is ${fs.lifecycle}.`);
  }
}

export function writeLustreFile(world: World, at: LustreLocator, path: string, content: string): LustreFileView {
  const fs = locate(world, at);
  const key = normaliseLustrePath(path);
  assertMounted(fs, key);
  // Two writes in the same millisecond must still be ordered for export.
  const mtime = Math.max(world.now(), (fs.files[key]?.mtime ?? 0) + 1);
  fs.files[key] = { content, mtime };
  return { path: key, content, mtime };
}

export function readLustreFile(world: World, at: LustreLocator, path: string): LustreFileView | undefined {
  const fs = locate(world, at);
  const key = normaliseLustrePath(path);
  const file = fs.files[key];
  if (!file || file.deleted) return undefined;
  return { path: key, content: file.content, mtime: file.mtime, ...(file.released ? { released: true } : {}) };
}

export function deleteLustreFile(world: World, at: LustreLocator, path: string): boolean {
  const fs = locate(world, at);
  const key = normaliseLustrePath(path);
  assertMounted(fs, key);
  const file = fs.files[key];
  if (!file || file.deleted) return false;
  fs.files[key] = { content: '', mtime: Math.max(world.now(), file.mtime + 1), deleted: true };
  return true;
}

export function listLustreFiles(world: World, at: LustreLocator, prefix = '/'): LustreFileView[] {
  const fs = locate(world, at);
  const under = prefix === '/' ? '/' : `${normaliseLustrePath(prefix)}/`;
  return Object.entries(fs.files)
    .filter(([path, file]) => !file.deleted && (under === '/' || path.startsWith(under)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, file]) => ({ path, content: file.content, mtime: file.mtime, ...(file.released ? { released: true } : {}) }));
}

/** The file system's owner from the request, or found across the world by id. */
function locateFromRequest(world: World, request: DataPlaneRequest): LustreLocator | undefined {
  for (const { accountId, region, state } of world.states<FsxRegionState>(FSX_STATE)) {
    if (request.accountId && request.accountId !== accountId) continue;
    if (request.region && request.region !== region) continue;
    if (state.fileSystems[request.resourceId]) return { accountId, region, fileSystemId: request.resourceId };
  }
  return undefined;
}

export function fsxDataPlane(world: World, request: DataPlaneRequest): SandboxResponse {
  const at = locateFromRequest(world, request);
  if (!at) return privateError(404, 'FileSystemNotFound', `FSx file system '${request.resourceId}' does not exist${request.accountId ? ` in account ${request.accountId}` : ''}.`);
  if (request.path === undefined) {
    if (request.method !== 'GET') return privateError(405, 'MethodNotAllowed', 'Use GET to list files, or PUT/DELETE on …/files/<path>.');
    return privateJson(200, { files: listLustreFiles(world, at, request.query['prefix']?.[0] ?? '/') });
  }
  switch (request.method) {
    case 'GET': {
      const file = readLustreFile(world, at, request.path);
      if (!file) return privateError(404, 'NoSuchFile', `${request.path} does not exist on ${at.fileSystemId} (${at.accountId}/${at.region}).`);
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-sandbox-mtime': String(file.mtime) }, body: file.content };
    }
    case 'PUT': {
      const file = writeLustreFile(world, at, request.path, request.body.toString('utf8'));
      return privateJson(200, { path: file.path, mtime: file.mtime });
    }
    case 'DELETE':
      return deleteLustreFile(world, at, request.path)
        ? { status: 204, headers: {} }
        : privateError(404, 'NoSuchFile', `${request.path} does not exist on ${at.fileSystemId}.`);
    default:
      return privateError(405, 'MethodNotAllowed', `${request.method} is not supported on files.`);
  }
}
