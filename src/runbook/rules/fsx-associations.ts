/**
 * Rules for the data repository associations of fsx-lustre resources — what FSx only refuses at run time
 * (aws-reference.md §2.2): at most 8 per file system, no overlapping paths on either side ('/' only alone),
 * auto-import only from a bucket in the file system's region; and what drctl's replication between the sides
 * needs: each path linked on both sides, with the same key prefix (replication keeps keys) in two buckets.
 */
import type { FsxLustreResource, LustreAssociation } from '../resources/fsx-lustre.js';
import type { Runbook, Side } from '../schema.js';
import type { RunbookRule, RuleFinding } from './types.js';
import { resources } from './walk.js';
import type { Path } from './walk.js';

const MAX_ASSOCIATIONS = 8;

interface LustreSideRef {
  name: string;
  resource: FsxLustreResource;
  side: Side;
  path: Path;
  /** The side's region (its own, else its account's), when the account exists. */
  region: string | undefined;
}

function lustreSides(runbook: Runbook): LustreSideRef[] {
  return resources(runbook).flatMap(([name, resource]) => {
    if (resource.type !== 'fsx-lustre') return [];
    return (['primary', 'secondary'] as const).map((side) => {
      const spec = resource[side];
      const account = Object.hasOwn(runbook.accounts, spec.account) ? runbook.accounts[spec.account] : undefined;
      return { name, resource, side, path: ['filesystems', name, side] as Path, region: spec.region ?? account?.region };
    });
  });
}

const trimPath = (p: string) => p.replace(/\/+$/, '') || '/';

function fsPathsOverlap(a: string, b: string): boolean {
  const x = trimPath(a);
  const y = trimPath(b);
  return x === '/' || y === '/' || x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

function repositoryOverlap(a: LustreAssociation, b: LustreAssociation): boolean {
  return a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
}

export const fsxTooManyAssociations: RunbookRule = {
  code: 'fsx-too-many-associations',
  description: 'A Lustre side declares at most 8 data repository associations (the FSx limit per file system).',
  check(runbook) {
    return lustreSides(runbook)
      .filter((s) => s.resource[s.side].associations.length > MAX_ASSOCIATIONS)
      .map((s) => ({
        path: [...s.path, 'associations', MAX_ASSOCIATIONS],
        message: `${s.name}.${s.side} declares ${s.resource[s.side].associations.length} associations; FSx allows at most ${MAX_ASSOCIATIONS} per file system`,
        hint: 'Link a parent directory to a shared prefix instead of one association per subdirectory.',
      }));
  },
};

export const fsxOverlappingPaths: RunbookRule = {
  code: 'fsx-overlapping-paths',
  description: "No two associations of a Lustre side overlap: neither file system path contains the other ('/' only alone), nor bucket prefix.",
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const s of lustreSides(runbook)) {
      const list = s.resource[s.side].associations;
      list.forEach((later, j) => {
        const i = list.findIndex((earlier, k) => k < j && (fsPathsOverlap(earlier.fileSystemPath, later.fileSystemPath) || repositoryOverlap(earlier, later)));
        const earlier = i >= 0 ? list[i] : undefined;
        if (!earlier) return;
        const byPath = fsPathsOverlap(earlier.fileSystemPath, later.fileSystemPath);
        findings.push({
          path: [...s.path, 'associations', j, byPath ? 'fileSystemPath' : 'prefix'],
          message: byPath
            ? `${s.name}.${s.side}: association ${later.fileSystemPath} overlaps ${earlier.fileSystemPath} (associations[${i}]); FSx rejects overlapping file system paths`
            : `${s.name}.${s.side}: association ${later.fileSystemPath} links s3://${later.bucket}/${later.prefix}, which overlaps s3://${earlier.bucket}/${earlier.prefix} (associations[${i}])`,
          hint: byPath
            ? "Use sibling directories (/data and /models, not /data and /data/raw); '/' must be the only association."
            : 'Give each association its own prefix, neither inside the other (data/ and models/, not data/ and data/raw/).',
        });
      });
    }
    return findings;
  },
};

export const fsxAutoImportRegion: RunbookRule = {
  code: 'fsx-auto-import-cross-region',
  description: "An association with auto-import links a bucket in the file system's region (auto-export may cross regions).",
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const s of lustreSides(runbook)) {
      s.resource[s.side].associations.forEach((assoc, index) => {
        if (!assoc.region || !s.region || assoc.region === s.region || assoc.autoImport.length === 0) return;
        findings.push({
          path: [...s.path, 'associations', index, 'region'],
          message: `${s.name}.${s.side}: ${assoc.fileSystemPath} auto-imports from ${assoc.bucket} in ${assoc.region}, but the file system is in ${s.region}; FSx auto-import only works with a bucket in the same region`,
          hint: 'Link a bucket in the file system\'s region (replication can feed it), or set autoImport: [] for this association.',
        });
      });
    }
    return findings;
  },
};

export const fsxAssociationPairs: RunbookRule = {
  code: 'fsx-association-mismatch',
  description:
    'Both sides of a Lustre resource link the same file system paths, each with the same key prefix in two different buckets (replication between the buckets keeps keys).',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const [name, resource] of resources(runbook)) {
      if (resource.type !== 'fsx-lustre') continue;
      for (const side of ['primary', 'secondary'] as const) {
        const other = side === 'primary' ? 'secondary' : 'primary';
        resource[side].associations.forEach((assoc, index) => {
          const base = ['filesystems', name, side, 'associations', index];
          const partner = resource[other].associations.find((a) => trimPath(a.fileSystemPath) === trimPath(assoc.fileSystemPath));
          if (!partner) {
            findings.push({
              path: [...base, 'fileSystemPath'],
              message: `${name}: ${assoc.fileSystemPath} is linked on the ${side} side but not on the ${other} side, so it would not be replicated`,
              hint: `Add an association for ${assoc.fileSystemPath} to ${other}.associations (with the DR-side bucket and the same prefix), or remove this one.`,
            });
            return;
          }
          if (side !== 'secondary') return; // report a pair's differences once, at the secondary
          if (partner.prefix !== assoc.prefix) {
            findings.push({
              path: [...base, 'prefix'],
              message: `${name}: ${assoc.fileSystemPath} uses prefix '${assoc.prefix}' on the secondary side but '${partner.prefix}' on the primary; S3 replication keeps object keys, so they must be equal`,
              hint: `Set prefix: '${partner.prefix}' here (or change both).`,
            });
          }
          if (partner.bucket === assoc.bucket) {
            findings.push({
              path: [...base, 'bucket'],
              message: `${name}: ${assoc.fileSystemPath} links bucket ${assoc.bucket} on both sides; each side needs its own bucket to replicate between`,
              hint: 'Use the DR bucket (in the DR account or region) for the secondary side.',
            });
          }
        });
      }
    }
    return findings;
  },
};
