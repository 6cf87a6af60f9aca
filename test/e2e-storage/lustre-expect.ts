/**
 * What the Lustre end-to-end tests share: runbooks/lustre-s3.yaml's resources, readable mutations, and views of
 * the sandbox world (file trees, objects, pilot-light file systems) read straight from the world.
 */
import { listLustreFiles, writeLustreFile } from '../../src/sandbox/services/fsx/index.js';
import { FSX_STATE } from '../../src/sandbox/services/fsx/model.js';
import type { FsxRegionState } from '../../src/sandbox/services/fsx/model.js';
import { readObject } from '../../src/sandbox/services/s3/index.js';
import type { World } from '../../src/sandbox/world.js';
import type { RecordedRequest, SandboxRun } from '../helpers/sandbox-run.js';

export const RUNBOOK = 'runbooks/lustre-s3.yaml';
export const RESOURCE = 'lustre-prod';
export const PRIMARY = { accountId: '111111111111', region: 'us-east-1', fileSystemId: 'fs-0123456789abcdef1', bucket: 'lustre-prod-us-east-1' } as const;
export const SECONDARY = { accountId: '222222222222', region: 'us-west-2', bucket: 'lustre-dr-us-west-2' } as const;

export const FAILOVER_STEPS = ['quiesce', 'export-primary', 'wait-replicated', 'dr-filesystem', 'dr-associations', 'versioning', 'reverse-replication', 'import-dr', 'verify'] as const;
export const FAILBACK_STEPS = ['quiesce', 'export-dr', 'replicate-back', 'backfill', 'wait-replicated', 'versioning', 'replicate-forward', 'primary-associations', 'import-primary', 'verify'] as const;

/** "CreateFileSystem 222222222222/us-west-2": what a mutation was, without ids that differ between runs. */
export function describeMutation(r: RecordedRequest): string {
  let detail = '';
  if (r.operation === 'CreateDataRepositoryTask' && r.body) detail = ` ${(JSON.parse(r.body) as { Type?: string }).Type ?? ''}`;
  return `${r.operation ?? '?'} ${r.accountId ?? '?'}/${r.region ?? '?'}${detail}`;
}

export function mutationsOf(h: SandboxRun, since = 0): string[] {
  return h.mutatingRequests(since).map(describeMutation);
}

export function countOf(h: SandboxRun, operation: string, since = 0): number {
  return h.mutatingRequests(since).filter((r) => r.operation === operation).length;
}

/** Lustre file systems in the DR account and region (the pilot light, once created). */
export function drFileSystems(world: World): Array<{ fileSystemId: string; lifecycle: string; associations: number }> {
  const state = world.peekState<FsxRegionState>(FSX_STATE, SECONDARY.accountId, SECONDARY.region);
  return Object.values(state?.fileSystems ?? {}).map((fs) => ({
    fileSystemId: fs.fileSystemId,
    lifecycle: fs.lifecycle,
    associations: Object.values(state?.associations ?? {}).filter((a) => a.fileSystemId === fs.fileSystemId && a.lifecycle !== 'DELETING').length,
  }));
}

export function drFileSystemId(world: World): string {
  const [fs, ...others] = drFileSystems(world);
  if (!fs || others.length > 0) throw new Error(`expected one DR file system, found ${drFileSystems(world).length}`);
  return fs.fileSystemId;
}

export function lustreFiles(world: World, side: 'primary' | 'secondary'): string[] {
  const at = side === 'primary' ? PRIMARY : { ...SECONDARY, fileSystemId: drFileSystemId(world) };
  return listLustreFiles(world, at, '/data').map((f) => `${f.path}=${f.content}`);
}

export function writeOnLustre(world: World, side: 'primary' | 'secondary', path: string, content: string): void {
  const at = side === 'primary' ? PRIMARY : { ...SECONDARY, fileSystemId: drFileSystemId(world) };
  writeLustreFile(world, at, path, content);
}

export function objectText(world: World, bucket: string, key: string): string | undefined {
  return readObject(world, bucket, key)?.text;
}
