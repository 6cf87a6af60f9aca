/**
 * fsx.export: an EXPORT_TO_REPOSITORY task writes the side's changed files to its linked buckets, so S3 (and
 * through replication, the other side) has everything written on Lustre. Used before failover (primary) and
 * before failback (secondary). Waits out a running auto-export or task first (fsx-task.ts).
 */
import { z } from 'zod';
import { makeTaskKind, relativeFsPaths, taskParamsShape } from './fsx-task.js';

const params = z.object({ ...taskParamsShape, side: taskParamsShape.side.default('primary') }).strict();

export const fsxExport = makeTaskKind({
  kind: 'fsx.export',
  summary: "Exports the side's Lustre files to its linked buckets (EXPORT_TO_REPOSITORY task) and waits for it; a FAILED task fails the step with its report.",
  type: 'EXPORT_TO_REPOSITORY',
  verb: 'export',
  params,
  // Export paths are relative to the mount point ("data" for /data).
  taskPaths: relativeFsPaths,
  wait: { timeoutMs: 2 * 60 * 60_000, pollMs: 30_000 },
});
