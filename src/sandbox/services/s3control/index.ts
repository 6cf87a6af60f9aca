/**
 * The sandbox's S3 Control: S3 Batch Operations jobs of type S3ReplicateObject (Batch Replication) with a
 * generated manifest. Importing this module registers its advance step (after S3's live replication).
 */
import '../s3/index.js';
import { registerStorageStep } from '../s3/advance.js';
import { advanceJobs } from './jobs.js';

registerStorageStep('s3control.jobs', advanceJobs);

export { s3ControlService } from './handler.js';
export type { JobRecord, JobStatus } from './model.js';
