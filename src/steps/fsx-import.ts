/**
 * fsx.import: an IMPORT_METADATA_FROM_REPOSITORY task brings the linked buckets' objects (including what
 * replication copied in) into the side's Lustre namespace. Run after failover on the DR side and after failback
 * on the primary: AWS does not document whether replicated objects trigger auto-import, so drctl imports
 * explicitly.
 */
import { z } from 'zod';
import { dataRepositoryPath } from './fsx-common.js';
import { makeTaskKind, taskParamsShape } from './fsx-task.js';

const params = z.object({ ...taskParamsShape, side: taskParamsShape.side.default('secondary') }).strict();

export const fsxImport = makeTaskKind({
  kind: 'fsx.import',
  summary: "Imports the linked buckets' metadata into the side's Lustre file system (IMPORT_METADATA_FROM_REPOSITORY task) and waits for it.",
  type: 'IMPORT_METADATA_FROM_REPOSITORY',
  verb: 'import',
  params,
  // Import paths are the S3 locations (s3://bucket/prefix/).
  taskPaths: (assocs) => assocs.map(dataRepositoryPath),
  wait: { timeoutMs: 2 * 60 * 60_000, pollMs: 30_000 },
});
