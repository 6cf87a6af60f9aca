/**
 * Canaries: a small file or object written on one side and looked for on the other, to prove data really
 * moves and to measure how long it takes. Where they live depends on the resource type and the environment:
 * S3 objects through the API; EFS/Lustre files under a mount path the runbook declares (drill hosts mount the
 * file systems), or through the sandbox's data plane (docs/sandbox.md) when running against the emulator.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AwsGateway, Target } from '../aws/types.js';
import type { Resource, Side } from '../runbook/schema.js';
import type { FsxLustreResource } from '../runbook/resources/fsx-lustre.js';
import type { SandboxDataPlane } from './sandbox-data-plane.js';

export const CANARY_DIR = '.drctl-canary';

export interface CanaryStore {
  /** Where the canary goes, for messages and reports. */
  where: string;
  write(name: string, content: string): Promise<void>;
  /** The content, or undefined when it is not there (yet). */
  read(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
}

export type CanaryResolution = { store: CanaryStore } | { unavailable: string };

export function localDirCanary(root: string): CanaryStore {
  const file = (name: string) => join(root, CANARY_DIR, name);
  return {
    where: join(root, CANARY_DIR),
    async write(name, content) {
      await mkdir(dirname(file(name)), { recursive: true });
      await writeFile(file(name), content);
    },
    async read(name) {
      try {
        return await readFile(file(name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async remove(name) {
      await rm(file(name), { force: true });
    },
  };
}

export function s3Canary(aws: AwsGateway, target: Target, bucket: string, prefix: string): CanaryStore {
  const key = (name: string) => `${prefix}${CANARY_DIR}/${name}`;
  return {
    where: `s3://${bucket}/${prefix}${CANARY_DIR}/`,
    async write(name, content) {
      await aws.call(target, 's3', 'PutObject', { Bucket: bucket, Key: key(name), Body: content, ContentType: 'text/plain' });
    },
    async read(name) {
      try {
        const result = await aws.call(target, 's3', 'GetObject', { Bucket: bucket, Key: key(name) });
        return result.Body ? await result.Body.transformToString() : '';
      } catch (err) {
        const e = err as { awsErrorName?: string; httpStatus?: number };
        if (e.awsErrorName === 'NoSuchKey' || e.awsErrorName === 'NotFound' || e.httpStatus === 404) return undefined;
        throw err;
      }
    },
    async remove(name) {
      await aws.call(target, 's3', 'DeleteObject', { Bucket: bucket, Key: key(name) });
    },
  };
}

export function sandboxFileCanary(plane: SandboxDataPlane, kind: 'efs' | 'fsx', fileSystemId: string, accountId: string, region: string, directory: string): CanaryStore {
  const path = (name: string) => `/_sandbox/${kind}/${fileSystemId}/files${directory}/${CANARY_DIR}/${name}`;
  const query = { account: accountId, region };
  return {
    where: `sandbox ${kind} ${fileSystemId}:${directory}/${CANARY_DIR}/`,
    async write(name, content) {
      const res = await plane.request('PUT', path(name), query, content);
      if (res.status >= 300) throw new Error(`sandbox refused the canary write on ${fileSystemId}: ${res.body}`);
    },
    async read(name) {
      const res = await plane.request('GET', path(name), query);
      if (res.status === 404) return undefined;
      if (res.status >= 300) throw new Error(`sandbox read of the canary on ${fileSystemId} failed: ${res.body}`);
      return res.body;
    },
    async remove(name) {
      const res = await plane.request('DELETE', path(name), query);
      if (res.status >= 300 && res.status !== 404) throw new Error(`sandbox could not remove the canary on ${fileSystemId}: ${res.body}`);
    },
  };
}

export interface CanaryEnvironment {
  aws: AwsGateway;
  sandbox?: SandboxDataPlane;
  target(side: Side): Target & { region: string; accountId: string };
  /** A file system id learned at run time (pilot-light Lustre created by the failover). */
  learnedFileSystemId?(side: Side): string | undefined;
}

/** Where the canary of one side of a resource lives, or why there is none. */
export function resolveCanary(resource: Resource, side: Side, env: CanaryEnvironment): CanaryResolution {
  const target = env.target(side);
  if (resource.type === 's3') {
    return { store: s3Canary(env.aws, target, resource[side].bucket, resource.replication.prefix ?? '') };
  }
  if (resource.type === 'efs') {
    const mount = side === 'primary' ? resource.canary?.primaryPath : resource.canary?.secondaryPath;
    if (mount) return { store: localDirCanary(mount) };
    if (env.sandbox) return { store: sandboxFileCanary(env.sandbox, 'efs', resource[side].fileSystemId, target.accountId, target.region, '') };
    return { unavailable: `no canary mount path for the ${side} side: declare canary.${side}Path (where a drill host mounts the file system)` };
  }
  const fileSystemId = resource[side].fileSystemId ?? env.learnedFileSystemId?.(side);
  const association = resource[side].associations[0];
  if (!env.sandbox) return { unavailable: `Lustre canaries need the file system mounted on the drill host; run the drill against the sandbox or add an exec step` };
  if (!fileSystemId || !association) return { unavailable: `the ${side} Lustre file system is not known yet (pilot light not created)` };
  return { store: sandboxFileCanary(env.sandbox, 'fsx', fileSystemId, target.accountId, target.region, association.fileSystemPath.replace(/\/$/, '')) };
}

/**
 * Where a canary written on the primary Lustre shows up before any failover: exported (auto-export) to the primary
 * bucket, replicated with its key to the DR bucket — the copy a failover imports into the DR Lustre. Undefined
 * `store` when auto-export of new files is off: then only the failover's export task moves it.
 */
export function lustreDrBucketCanary(resource: FsxLustreResource, env: CanaryEnvironment): { store: CanaryStore; route: string } | { unavailable: string; route: string } {
  const primary = resource.primary.associations[0];
  const secondary = resource.secondary.associations.find((a) => a.fileSystemPath === primary?.fileSystemPath) ?? resource.secondary.associations[0];
  const route = lustreCanaryRoute(resource);
  if (!primary || !secondary) return { unavailable: 'the runbook declares no data repository association on one side', route };
  if (!primary.autoExport.includes('NEW')) {
    return { unavailable: `${primary.fileSystemPath} on the primary does not auto-export new files: the canary reaches S3 only with the failover's export`, route };
  }
  const target = env.target('secondary');
  // Replication keeps keys: the DR bucket holds the canary under the primary association's prefix.
  return { store: s3Canary(env.aws, { ...target, region: secondary.region ?? target.region }, secondary.bucket, primary.prefix), route };
}

/** The way a canary travels from the primary to the DR copy, for the RPO's source in reports. */
export function canaryRoute(resource: Resource): string {
  if (resource.type === 'fsx-lustre') return lustreCanaryRoute(resource);
  if (resource.type === 's3') {
    const prefix = resource.replication.prefix ?? '';
    return `s3://${resource.primary.bucket}/${prefix} → replication → s3://${resource.secondary.bucket}/${prefix}`;
  }
  return `EFS ${resource.primary.fileSystemId} → replication → EFS ${resource.secondary.fileSystemId}`;
}

function lustreCanaryRoute(resource: FsxLustreResource): string {
  const primary = resource.primary.associations[0];
  const secondary = resource.secondary.associations.find((a) => a.fileSystemPath === primary?.fileSystemPath) ?? resource.secondary.associations[0];
  const primaryFs = resource.primary.fileSystemId ?? 'the primary Lustre';
  const prefix = primary?.prefix ?? '';
  return `Lustre ${primaryFs}:${primary?.fileSystemPath ?? '/'} → export → s3://${primary?.bucket ?? '?'}/${prefix} → replication → s3://${secondary?.bucket ?? '?'}/${prefix} (the DR bucket) → import at failover → DR Lustre ${secondary?.fileSystemPath ?? '/'}`;
}
