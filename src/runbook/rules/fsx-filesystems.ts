/**
 * Rules for the file systems of fsx-lustre resources: each side names an existing file system or (secondary
 * only) pilot-light creation parameters, and those parameters are ones FSx accepts for a file system linked to
 * S3 (aws-reference.md §2.1, §2.5) — checked here rather than minutes into a failover.
 */
import type { RunbookRule, RuleFinding } from './types.js';
import { resources } from './walk.js';

const THROUGHPUT: Record<string, number[]> = {
  PERSISTENT_1: [50, 100, 200],
  PERSISTENT_2: [125, 250, 500, 1000],
};

export const fsxSideFileSystem: RunbookRule = {
  code: 'fsx-side-filesystem',
  description:
    'Each Lustre side gives exactly one of `fileSystemId` and `create`; only the secondary may be a pilot light (`create`).',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const [name, resource] of resources(runbook)) {
      if (resource.type !== 'fsx-lustre') continue;
      for (const side of ['primary', 'secondary'] as const) {
        const spec = resource[side];
        const path = ['filesystems', name, side];
        if (spec.fileSystemId && spec.create) {
          findings.push({
            path: [...path, 'create'],
            message: `${name}.${side} gives both fileSystemId and create; drctl would not know whether to use the existing file system or create one`,
            hint: 'Keep fileSystemId for an existing file system, or remove it to make the side a pilot light.',
          });
        } else if (!spec.fileSystemId && !spec.create) {
          findings.push({
            path,
            at: 'key',
            message: `${name}.${side} has neither fileSystemId nor create`,
            hint: side === 'primary' ? 'Set primary.fileSystemId to the production file system.' : 'Set secondary.fileSystemId, or give create: parameters for a pilot light.',
          });
        } else if (side === 'primary' && !spec.fileSystemId) {
          findings.push({
            path: [...path, 'create'],
            message: `${name}.primary is a pilot light (create), but the primary must be the existing production file system`,
            hint: 'Set primary.fileSystemId; only the secondary side can be created at recovery time.',
          });
        }
      }
    }
    return findings;
  },
};

export const fsxCreateParameters: RunbookRule = {
  code: 'fsx-invalid-create',
  description:
    'Pilot-light parameters suit a Lustre file system linked to S3: not SCRATCH_1, Lustre 2.12 or 2.15, valid storage capacity and throughput for the deployment type.',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const [name, resource] of resources(runbook)) {
      if (resource.type !== 'fsx-lustre') continue;
      for (const side of ['primary', 'secondary'] as const) {
        const create = resource[side].create;
        if (!create) continue;
        const path = ['filesystems', name, side, 'create'];
        if (create.deploymentType === 'SCRATCH_1') {
          findings.push({
            path: [...path, 'deploymentType'],
            message: `${name}.${side}.create.deploymentType SCRATCH_1 cannot have data repository associations, so it could not be linked to its bucket`,
            hint: 'Use PERSISTENT_2 (or PERSISTENT_1, SCRATCH_2).',
          });
        }
        if (create.fileSystemTypeVersion === '2.10') {
          findings.push({
            path: [...path, 'fileSystemTypeVersion'],
            message: `${name}.${side}.create.fileSystemTypeVersion 2.10 cannot have data repository associations`,
            hint: "Use '2.15' (or '2.12').",
          });
        }
        const capacity = create.storageCapacity;
        if (create.deploymentType !== 'SCRATCH_1' && !(capacity === 1200 || capacity === 2400 || capacity % 2400 === 0)) {
          findings.push({
            path: [...path, 'storageCapacity'],
            message: `${name}.${side}.create.storageCapacity ${capacity} GiB is not a size FSx accepts for ${create.deploymentType} SSD`,
            hint: `Use 1200, 2400 or a multiple of 2400 (e.g. ${Math.max(2400, Math.ceil(capacity / 2400) * 2400)}).`,
          });
        }
        const allowed = THROUGHPUT[create.deploymentType];
        if (allowed && !allowed.includes(create.perUnitStorageThroughput)) {
          findings.push({
            path: [...path, 'perUnitStorageThroughput'],
            message: `${name}.${side}.create.perUnitStorageThroughput ${create.perUnitStorageThroughput} is not valid for ${create.deploymentType}`,
            hint: `Use one of ${allowed.join(', ')} MB/s per TiB.`,
          });
        }
      }
    }
    return findings;
  },
};
