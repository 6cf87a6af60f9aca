/**
 * Amazon EFS (restJson1, paths under /2015-02-01). Behaviour: see docs/sandbox.md § EFS and the modules here —
 * file-systems.ts (DescribeFileSystems, DescribeMountTargets, UpdateFileSystemProtection), replication.ts
 * (Create/Delete/DescribeReplicationConfigurations), replication-sync.ts (time-driven state), files.ts (data plane).
 */
import { AwsError, notImplemented } from '../../protocol/errors.js';
import { queryParam, readJsonBody, restJsonError, restJsonResponse } from '../../protocol/rest-json.js';
import { RestRouter } from '../../protocol/rest-route.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import { registerDataPlane } from '../../private-api.js';
import { registerAdvanceHook, type World } from '../../world.js';
import { efsDataPlane } from './data-plane.js';
import { describeFileSystems, describeMountTargets, updateFileSystemProtection } from './file-systems.js';
import { createReplication, deleteReplication, describeReplications } from './replication.js';
import { advanceEfs } from './replication-sync.js';

registerAdvanceHook('efs', advanceEfs);
registerDataPlane('efs', efsDataPlane);

const V = '/2015-02-01';
const routes = new RestRouter([
  { method: 'GET', path: `${V}/file-systems`, operation: 'DescribeFileSystems' },
  { method: 'GET', path: `${V}/file-systems/replication-configurations`, operation: 'DescribeReplicationConfigurations' },
  { method: 'POST', path: `${V}/file-systems/{SourceFileSystemId}/replication-configuration`, operation: 'CreateReplicationConfiguration' },
  { method: 'DELETE', path: `${V}/file-systems/{SourceFileSystemId}/replication-configuration`, operation: 'DeleteReplicationConfiguration' },
  { method: 'PUT', path: `${V}/file-systems/{FileSystemId}/protection`, operation: 'UpdateFileSystemProtection' },
  { method: 'GET', path: `${V}/mount-targets`, operation: 'DescribeMountTargets' },
  // Known EFS operations the sandbox does not emulate: routed so the NotImplemented error names them.
  { method: 'POST', path: `${V}/file-systems`, operation: 'CreateFileSystem' },
  { method: 'DELETE', path: `${V}/file-systems/{FileSystemId}`, operation: 'DeleteFileSystem' },
  { method: 'PUT', path: `${V}/file-systems/{FileSystemId}`, operation: 'UpdateFileSystem' },
  { method: 'POST', path: `${V}/mount-targets`, operation: 'CreateMountTarget' },
  { method: 'DELETE', path: `${V}/mount-targets/{MountTargetId}`, operation: 'DeleteMountTarget' },
  { method: 'GET', path: `${V}/access-points`, operation: 'DescribeAccessPoints' },
  { method: 'GET', path: `${V}/file-systems/{FileSystemId}/policy`, operation: 'DescribeFileSystemPolicy' },
  { method: 'PUT', path: `${V}/file-systems/{FileSystemId}/policy`, operation: 'PutFileSystemPolicy' },
  { method: 'GET', path: `${V}/file-systems/{FileSystemId}/backup-policy`, operation: 'DescribeBackupPolicy' },
  { method: 'GET', path: `${V}/file-systems/{FileSystemId}/lifecycle-configuration`, operation: 'DescribeLifecycleConfiguration' },
  { method: 'GET', path: `${V}/resource-tags/{ResourceId}`, operation: 'ListTagsForResource' },
  { method: 'POST', path: `${V}/resource-tags/{ResourceId}`, operation: 'TagResource' },
]);

export const efsService: SandboxService = {
  service: 'efs',

  operationOf(request: SandboxRequest): string | undefined {
    return routes.match(request.method, request.path)?.operation;
  },

  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const matched = routes.match(request.method, request.path);
    if (!matched) throw notImplemented('efs', `${request.method} ${request.path}`);
    const { labels } = matched;
    switch (matched.operation) {
      case 'DescribeFileSystems':
        return restJsonResponse(
          200,
          describeFileSystems(world, call, {
            ...optional('fileSystemId', queryParam(request, 'FileSystemId')),
            ...optional('creationToken', queryParam(request, 'CreationToken')),
            ...optional('marker', queryParam(request, 'Marker')),
            maxItems: pageSize(queryParam(request, 'MaxItems'), 'MaxItems'),
          }),
        );
      case 'DescribeMountTargets':
        return restJsonResponse(
          200,
          describeMountTargets(world, call, {
            ...optional('fileSystemId', queryParam(request, 'FileSystemId')),
            ...optional('mountTargetId', queryParam(request, 'MountTargetId')),
            ...optional('accessPointId', queryParam(request, 'AccessPointId')),
            ...optional('marker', queryParam(request, 'Marker')),
            maxItems: pageSize(queryParam(request, 'MaxItems'), 'MaxItems'),
          }),
        );
      case 'DescribeReplicationConfigurations':
        return restJsonResponse(
          200,
          describeReplications(
            world,
            call,
            queryParam(request, 'FileSystemId'),
            pageSize(queryParam(request, 'MaxResults'), 'MaxResults'),
            queryParam(request, 'NextToken'),
          ),
        );
      case 'CreateReplicationConfiguration': {
        const body = jsonBody(request);
        return restJsonResponse(200, createReplication(world, call, labels['SourceFileSystemId'] ?? '', body['Destinations']));
      }
      case 'DeleteReplicationConfiguration':
        deleteReplication(world, call, labels['SourceFileSystemId'] ?? '', queryParam(request, 'deletionMode'));
        return restJsonResponse(204);
      case 'UpdateFileSystemProtection': {
        const body = jsonBody(request);
        return restJsonResponse(200, updateFileSystemProtection(world, call, labels['FileSystemId'] ?? '', body['ReplicationOverwriteProtection']));
      }
      default:
        throw notImplemented('efs', matched.operation);
    }
  },

  renderError(error: AwsError): SandboxResponse {
    return restJsonError(error);
  },
};

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function pageSize(text: string | undefined, name: string): number {
  if (text === undefined) return 100;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new AwsError('ValidationException', 400, `${name} must be a positive integer, not '${text}'.`);
  return n;
}

function jsonBody(request: SandboxRequest): Record<string, unknown> {
  try {
    return readJsonBody(request);
  } catch {
    throw new AwsError('BadRequest', 400, 'The request body is not valid JSON.');
  }
}
