/**
 * Region rules. A side's region (its own, else its account's) must be a well-formed region name; a
 * well-formed name drctl does not know is only a warning, because AWS opens new regions.
 */
import { REGION } from '../common.js';
import { didYouMean } from '../suggest.js';
import type { RunbookRule, RuleFinding } from './types.js';
import { sides } from './walk.js';

/** Regions known when this list was written (commercial, GovCloud, China, ISO). New ones only warn. */
export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
  'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'us-isof-south-1', 'us-isof-east-1', 'eu-isoe-west-1',
];

interface RegionUse {
  path: (string | number)[];
  region: string;
  owner: string;
}

/** Every region written in the runbook: account regions and side overrides. */
function regionUses(runbook: Parameters<RunbookRule['check']>[0]): RegionUse[] {
  const accounts = Object.entries(runbook.accounts).map(([name, account]) => ({
    path: ['accounts', name, 'region'],
    region: account.region,
    owner: `account '${name}'`,
  }));
  const overrides = sides(runbook)
    .filter((side) => side.spec.region !== undefined)
    .map((side) => ({
      path: [...side.path, 'region'],
      region: side.spec.region ?? '',
      owner: `${side.resourceName}.${side.side}`,
    }));
  return [...accounts, ...overrides];
}

export const invalidRegion: RunbookRule = {
  code: 'invalid-region',
  description: "A side's `region` is an AWS region name such as us-west-2.",
  check(runbook) {
    return regionUses(runbook)
      .filter((use) => !REGION.test(use.region))
      .map(
        (use): RuleFinding => ({
          path: use.path,
          message: `${use.owner} has region '${use.region}', which is not an AWS region name`,
          hint: `${didYouMean(use.region, KNOWN_REGIONS)}Write a region such as us-east-1 or eu-west-2 (lowercase, with hyphens).`,
        }),
      );
  },
};

export const unknownRegion: RunbookRule = {
  code: 'unknown-region',
  severity: 'warning',
  description: 'A region name drctl does not know (a typo such as us-east-7, or a region newer than drctl): a warning only.',
  check(runbook) {
    return regionUses(runbook)
      .filter((use) => REGION.test(use.region) && !KNOWN_REGIONS.includes(use.region))
      .map(
        (use): RuleFinding => ({
          path: use.path,
          message: `${use.owner} has region '${use.region}', which drctl does not know`,
          hint: `${didYouMean(use.region, KNOWN_REGIONS)}If AWS opened this region recently, ignore this warning; otherwise correct the name.`,
        }),
      );
  },
};
