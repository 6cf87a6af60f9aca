/**
 * The AWS calls a drill makes itself, outside any step kind: the canaries. Given to planIamPolicies as
 * `extraCalls`, so the policy drctl generates lets a drill write, read and remove its canaries — and nothing more
 * (object actions only, under the canary folder).
 */
import type { Runbook } from '../runbook/schema.js';
import type { PlannedCall } from '../steps/types.js';
import { resolveTarget } from '../engine/plan.js';
import { CANARY_DIR } from './canary.js';

export interface DrillCall {
  resource: string;
  call: PlannedCall;
}

function objectCalls(target: { account: string; region: string }, bucket: string, prefix: string, operations: readonly string[], note: string): PlannedCall[] {
  const keys = `${prefix}${CANARY_DIR}/`;
  return operations.map((operation) => ({
    service: 's3' as const,
    operation,
    account: target.account,
    region: target.region,
    params: { Bucket: bucket, Key: `${keys}<drill id>.txt` },
    resources: [`arn:aws:s3:::${bucket}/${keys}*`],
    note,
  }));
}

/** Every call a drill of `resources` may make besides its failover and failback runs. */
export function drillCalls(runbook: Runbook, resources: readonly string[]): DrillCall[] {
  const calls: DrillCall[] = [];
  for (const name of resources) {
    const resource = runbook.filesystems[name];
    if (!resource) continue;
    if (resource.type === 's3') {
      const prefix = resource.replication.prefix ?? '';
      for (const side of ['primary', 'secondary'] as const) {
        const target = resolveTarget(runbook, resource, side);
        const note = side === 'primary' ? 'drill canary: written here, removed at cleanup' : 'drill canary: read here, a probe written while DR is active, removed at cleanup';
        for (const call of objectCalls(target, resource[side].bucket, prefix, ['PutObject', 'GetObject', 'DeleteObject'], note)) calls.push({ resource: name, call });
      }
    } else if (resource.type === 'fsx-lustre') {
      // The Lustre canary is written on the file system; the drill follows its export into the DR bucket.
      const primary = resource.primary.associations[0];
      const secondary = resource.secondary.associations.find((a) => a.fileSystemPath === primary?.fileSystemPath) ?? resource.secondary.associations[0];
      if (!primary || !secondary || !primary.autoExport.includes('NEW')) continue;
      const target = resolveTarget(runbook, resource, 'secondary');
      const at = { account: target.account, region: secondary.region ?? target.region };
      for (const call of objectCalls(at, secondary.bucket, primary.prefix, ['GetObject'], 'drill canary: followed into the DR bucket before the failover')) calls.push({ resource: name, call });
    }
  }
  return calls;
}
