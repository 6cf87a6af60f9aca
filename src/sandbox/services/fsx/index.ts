/**
 * The sandbox's FSx for Lustre: file systems with a file tree, data repository associations linked to S3 buckets
 * (auto-import/export really move data), and data repository tasks. Importing this module registers its storage
 * steps (after S3's, so objects written by replication are imported in the same pass) and the `fsx` data plane.
 */
import '../s3/index.js';
import { registerDataPlane } from '../../private-api.js';
import { registerStorageStep } from '../s3/advance.js';
import { advanceAssociations } from './associations.js';
import { advanceFileSystems } from './file-systems.js';
import { fsxDataPlane } from './files.js';
import { advanceSync } from './sync.js';
import { advanceTasks } from './tasks.js';

registerStorageStep('fsx.file-systems', advanceFileSystems);
registerStorageStep('fsx.associations', advanceAssociations);
registerStorageStep('fsx.tasks', advanceTasks);
registerStorageStep('fsx.sync', advanceSync);
registerDataPlane('fsx', fsxDataPlane);

export { fsxService } from './handler.js';
export { FSX_CONDITIONS } from './model.js';
export type { AssociationRecord, FileSystemRecord, TaskRecord } from './model.js';
export { deleteLustreFile, listLustreFiles, readLustreFile, writeLustreFile, type LustreLocator } from './files.js';
export * from './api.js';
