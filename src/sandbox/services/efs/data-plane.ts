/**
 * `/_sandbox/efs/<fs-id>/files[/<path>]`: the EFS file trees over HTTP, for canaries driven by scripts or the CLI.
 *   GET    …/files[?prefix=/dir]   → {"files":[{path, content, mtime}]}
 *   GET    …/files/<path>          → the content (text/plain), `x-sandbox-mtime` header; 404 when absent
 *   PUT    …/files/<path>  (body)  → {"path","mtime"}; 409 ReadOnlyFileSystem on a replication destination
 *   DELETE …/files/<path>          → 204; 404 when absent
 */
import { privateError, privateJson, type DataPlaneRequest } from '../../private-api.js';
import type { SandboxResponse } from '../../types.js';
import type { World } from '../../world.js';
import { deleteEfsFile, listEfsFiles, readEfsFile, writeEfsFile, type FileSystemLocator } from './files.js';
import { EFS, type EfsRegionState } from './model.js';

export function efsDataPlane(world: World, request: DataPlaneRequest): SandboxResponse {
  const at = locateFileSystem(world, request);
  if (!at) {
    const where = request.accountId ? ` in account ${request.accountId}${request.region ? `, region ${request.region}` : ''}` : '';
    return privateError(404, 'FileSystemNotFound', `File system '${request.resourceId}' does not exist${where}.`);
  }
  if (request.path === undefined) {
    if (request.method !== 'GET') return privateError(405, 'MethodNotAllowed', 'Use GET to list files, or PUT/DELETE on …/files/<path>.');
    return privateJson(200, { files: listEfsFiles(world, at, request.query['prefix']?.[0] ?? '/') });
  }
  switch (request.method) {
    case 'GET': {
      const file = readEfsFile(world, at, request.path);
      if (!file) return privateError(404, 'NoSuchFile', `${request.path} does not exist on ${at.fileSystemId} (${at.accountId}/${at.region}).`);
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-sandbox-mtime': String(file.mtime) }, body: file.content };
    }
    case 'PUT': {
      const file = writeEfsFile(world, at, request.path, request.body.toString('utf8'));
      return privateJson(200, { path: file.path, mtime: file.mtime });
    }
    case 'DELETE':
      return deleteEfsFile(world, at, request.path)
        ? { status: 204, headers: {} }
        : privateError(404, 'NoSuchFile', `${request.path} does not exist on ${at.fileSystemId}.`);
    default:
      return privateError(405, 'MethodNotAllowed', `${request.method} is not supported on files.`);
  }
}

/** The file system's owner from the request, or found across the world by id. */
function locateFileSystem(world: World, request: DataPlaneRequest): FileSystemLocator | undefined {
  for (const { accountId, region, state } of world.states<EfsRegionState>(EFS)) {
    if (request.accountId && request.accountId !== accountId) continue;
    if (request.region && request.region !== region) continue;
    if (state.fileSystems[request.resourceId]) return { accountId, region, fileSystemId: request.resourceId };
  }
  return undefined;
}
