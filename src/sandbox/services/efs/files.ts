/**
 * The EFS data plane: each file system carries a small file tree `{ path → { content, mtime } }` so drills can
 * write a canary on one side and watch it arrive on the other, and RPO can be measured. Replication copies
 * entries by mtime up to the link's watermark (see replication-sync.ts); a destination being replicated into
 * (protection REPLICATING) is read-only, as on a real mount.
 */
import { AwsError } from '../../protocol/errors.js';
import type { World } from '../../world.js';
import { EFS, type EfsFileSystem, type EfsRegionState } from './model.js';
import { refreshLinksOf } from './replication-sync.js';

export interface FileSystemLocator {
  accountId: string;
  region: string;
  fileSystemId: string;
}

export interface FileView {
  path: string;
  content: string;
  /** Epoch ms of the last write. */
  mtime: number;
}

export function normaliseFilePath(path: string): string {
  const parts = path.split('/').filter((p) => p.length > 0 && p !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new AwsError('InvalidPath', 400, `'${path}' is not a valid file path (expected e.g. /canary/drill.txt).`);
  return `/${parts.join('/')}`;
}

/** The file system, with its replication brought up to now (so reads see replicated changes, writes come after them). */
function locate(world: World, at: FileSystemLocator): EfsFileSystem {
  world.advance();
  refreshLinksOf(world, at, world.now());
  const fs = world.peekState<EfsRegionState>(EFS, at.accountId, at.region)?.fileSystems[at.fileSystemId];
  if (!fs) {
    throw new AwsError('FileSystemNotFound', 404, `File system '${at.fileSystemId}' does not exist in account ${at.accountId}, region ${at.region}.`);
  }
  return fs;
}

/** Whether clients may write: not while it is a replication destination (or DISABLED, when configured so). */
export function isWritable(world: World, fs: EfsFileSystem): boolean {
  if (fs.lifeCycleState !== 'available') return false;
  if (fs.protection === 'REPLICATING') return false;
  if (fs.protection === 'DISABLED' && world.duration('efs.disabledIsReadOnly') > 0) return false;
  return true;
}

function assertWritable(world: World, fs: EfsFileSystem, path: string): void {
  if (isWritable(world, fs)) return;
  const why =
    fs.lifeCycleState !== 'available'
      ? `it is ${fs.lifeCycleState}`
      : `its replication overwrite protection is ${fs.protection} (a replication destination is read-only until the replication is deleted)`;
  throw new AwsError('ReadOnlyFileSystem', 409, `Cannot write ${path} on ${fs.fileSystemId} (${fs.ownerId}/${fs.region}): ${why}.`);
}

export function writeEfsFile(world: World, at: FileSystemLocator, path: string, content: string): FileView {
  const fs = locate(world, at);
  const key = normaliseFilePath(path);
  assertWritable(world, fs, key);
  // Two writes in the same millisecond must still be ordered for replication.
  const previous = fs.files[key]?.mtime ?? 0;
  const mtime = Math.max(world.now(), previous + 1);
  fs.files[key] = { content, mtime };
  return { path: key, content, mtime };
}

export function readEfsFile(world: World, at: FileSystemLocator, path: string): FileView | undefined {
  const fs = locate(world, at);
  const key = normaliseFilePath(path);
  const entry = fs.files[key];
  return entry && !entry.deleted ? { path: key, content: entry.content, mtime: entry.mtime } : undefined;
}

export function deleteEfsFile(world: World, at: FileSystemLocator, path: string): boolean {
  const fs = locate(world, at);
  const key = normaliseFilePath(path);
  assertWritable(world, fs, key);
  const entry = fs.files[key];
  if (!entry || entry.deleted) return false;
  fs.files[key] = { content: '', mtime: Math.max(world.now(), entry.mtime + 1), deleted: true };
  return true;
}

/** Live files under `prefix` (default: all), sorted by path. */
export function listEfsFiles(world: World, at: FileSystemLocator, prefix = '/'): FileView[] {
  const fs = locate(world, at);
  const normalised = prefix === '/' ? '/' : `${normaliseFilePath(prefix)}/`;
  return Object.entries(fs.files)
    .filter(([path, entry]) => !entry.deleted && (normalised === '/' || path.startsWith(normalised)))
    .map(([path, entry]) => ({ path, content: entry.content, mtime: entry.mtime }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
