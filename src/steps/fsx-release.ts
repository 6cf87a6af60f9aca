/**
 * fsx.release: a RELEASE_DATA_FROM_FILESYSTEM task frees Lustre capacity of files already exported to S3 (they
 * stay listed and are fetched again on access). Useful after failback on the DR side to shrink what a warm DR
 * file system holds, or before deleting one. Only exported files older than `olderThanDays` are released.
 */
import { z } from 'zod';
import { makeTaskKind, relativeFsPaths, taskParamsShape } from './fsx-task.js';

const params = z
  .object({
    ...taskParamsShape,
    side: taskParamsShape.side.default('secondary'),
    olderThanDays: z.number().int().min(0).default(0).describe('Release only files not accessed for this many days. Default 0: every exported file.'),
  })
  .strict();

export const fsxRelease = makeTaskKind({
  kind: 'fsx.release',
  summary: 'Releases exported file data from the side\'s Lustre file system (RELEASE_DATA_FROM_FILESYSTEM task), keeping it in S3.',
  type: 'RELEASE_DATA_FROM_FILESYSTEM',
  verb: 'release',
  params,
  // '/' releases the whole file system; otherwise paths relative to the mount point.
  taskPaths: (assocs) => relativeFsPaths(assocs) ?? ['/'],
  extraInput: (p) => ({ ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS', Value: p.olderThanDays } } }),
  wait: { timeoutMs: 60 * 60_000, pollMs: 30_000 },
});
