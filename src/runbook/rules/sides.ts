/** The two sides of a resource must really be two places: a different account or region, never the same resource. */
import type { RunbookRule, RuleFinding } from './types.js';
import { accountOf, regionOf, sides, type SideRef } from './walk.js';

/** The identifier of the protected resource on a side (file system id or bucket), when declared. */
function resourceIdOf(side: SideRef): { field: string; value: string } | undefined {
  const spec = side.spec as { fileSystemId?: string; bucket?: string };
  if (spec.fileSystemId) return { field: 'fileSystemId', value: spec.fileSystemId };
  if (spec.bucket) return { field: 'bucket', value: spec.bucket };
  return undefined;
}

export const sameSide: RunbookRule = {
  code: 'same-side',
  description:
    'Primary and secondary differ: a different region or a different account, and never the same file system or bucket twice.',
  check(runbook) {
    const all = sides(runbook);
    const findings: RuleFinding[] = [];
    for (const primary of all.filter((s) => s.side === 'primary')) {
      const secondary = all.find((s) => s.side === 'secondary' && s.resourceName === primary.resourceName);
      if (!secondary) continue;
      const primaryId = resourceIdOf(primary);
      const secondaryId = resourceIdOf(secondary);
      if (primaryId && secondaryId && primaryId.field === secondaryId.field && primaryId.value === secondaryId.value) {
        findings.push({
          path: [...secondary.path, secondaryId.field],
          message: `${primary.resourceName}: primary and secondary are both ${secondaryId.value}; a resource cannot protect itself`,
          hint: `Set secondary.${secondaryId.field} to the DR copy (in the DR account or region).`,
        });
        continue;
      }
      const primaryAccount = accountOf(runbook, primary);
      const secondaryAccount = accountOf(runbook, secondary);
      if (!primaryAccount || !secondaryAccount) continue; // unknown-account reports it
      const region = regionOf(runbook, primary);
      if (primaryAccount.id === secondaryAccount.id && region === regionOf(runbook, secondary)) {
        findings.push({
          path: [...secondary.path, secondary.spec.region === undefined ? 'account' : 'region'],
          message: `${primary.resourceName}: primary and secondary are both in account ${primaryAccount.id}, region ${region}; a DR copy must be in another region or account`,
          hint: `Point secondary at the DR account, or set secondary.region to the DR region (e.g. region: us-west-2).`,
        });
      }
    }
    return findings;
  },
};
