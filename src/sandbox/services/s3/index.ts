/**
 * The sandbox's S3: buckets per account and region (names global), versioning, replication configurations and
 * live replication, objects. Importing this module registers its advance step.
 */
import { registerStorageStep } from './advance.js';
import { advanceReplication } from './replication.js';

registerStorageStep('s3.replication', advanceReplication);

export { s3Service } from './handler.js';
export { S3_CONDITIONS } from './bucket-ops.js';
export * from './api.js';
