import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderInitRunbook, toAnswers, type InitFlags } from '../../src/init/index.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { resolveProcedure } from '../../src/steps/procedures.js';

const accounts: InitFlags = {
  primaryAccount: '111111111111',
  primaryRegion: 'us-east-1',
  primaryRole: 'arn:aws:iam::111111111111:role/drctl-operator',
  secondaryAccount: '222222222222',
  secondaryRegion: 'us-west-2',
  secondaryRole: 'arn:aws:iam::222222222222:role/drctl-operator',
  secondaryExternalId: 'drctl-dr-1',
  replicationRole: 'arn:aws:iam::111111111111:role/replication',
  reverseReplicationRole: 'arn:aws:iam::222222222222:role/replication',
};

const BY_TYPE: Record<string, InitFlags> = {
  efs: { ...accounts, type: 'efs', name: 'efs-home', primaryId: 'fs-0123456789abcdef0', secondaryId: 'fs-0fedcba9876543210' },
  'fsx-lustre': { ...accounts, type: 'fsx-lustre', name: 'lustre-scratch', primaryId: 'fs-0123456789abcdef0', secondaryId: 'fs-0fedcba9876543210', primaryBucket: 'lustre-prod', secondaryBucket: 'lustre-dr' },
  s3: { ...accounts, type: 's3', name: 'media', primaryBucket: 'media-prod-use1', secondaryBucket: 'media-dr-usw2' },
};

function validate(text: string) {
  const result = parseRunbook(text, 'init.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return result.runbook;
}

describe('renderInitRunbook', () => {
  for (const [type, flags] of Object.entries(BY_TYPE)) {
    it(`writes a ${type} runbook that validates, with the standard procedures spelled out`, () => {
      const text = renderInitRunbook(toAnswers(flags));
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
      const runbook = validate(text);
      const name = flags.name ?? '';
      const resource = runbook.filesystems[name];
      expect(resource?.type).toBe(type);
      // What the file spells out is exactly what drctl would derive for the same resource.
      const written = parse(text) as { filesystems: Record<string, { failover?: unknown; failback?: unknown }> };
      const bare = { ...resource!, failover: undefined, failback: undefined } as typeof resource & object;
      const derived = resolveProcedure(name, bare, 'failover', 'preserve');
      if (derived.steps.length > 0) {
        expect(written.filesystems[name]?.failover).toEqual(JSON.parse(JSON.stringify(derived.steps)));
        expect(resolveProcedure(name, resource!, 'failover', 'preserve').derived).toBe(false);
      } else {
        expect(written.filesystems[name]?.failover).toBeUndefined();
      }
    });
  }

  it('spells out both failback modes and comments each step with what its kind does', () => {
    const text = renderInitRunbook(toAnswers(BY_TYPE.efs!));
    const runbook = validate(text);
    const resource = runbook.filesystems['efs-home']!;
    for (const mode of ['preserve', 'discard'] as const) {
      const derived = resolveProcedure('efs-home', { ...resource, failback: undefined }, 'failback', mode).steps;
      expect(resolveProcedure('efs-home', resource, 'failback', mode)).toEqual({ steps: derived, derived: false });
    }
    expect(text).toContain('      # Waits for an operator to approve (TTY prompt, --yes, or --approve STEP_ID).\n      - id: confirm');
    expect(text).toContain('externalId: drctl-dr-1');
    expect(text).toContain('id: "111111111111"');
  });

  it('writes one account with a region override for a same-account, cross-region pair', () => {
    const text = renderInitRunbook(
      toAnswers({ type: 'efs', name: 'shared', primaryAccount: '012345678901', primaryRegion: 'eu-west-1', secondaryAccount: '012345678901', secondaryRegion: 'eu-central-1', primaryId: 'fs-11111111', secondaryId: 'fs-22222222' }),
    );
    const runbook = validate(text);
    expect(Object.keys(runbook.accounts)).toEqual(['prod']);
    expect(runbook.filesystems.shared?.secondary).toMatchObject({ account: 'prod', region: 'eu-central-1' });
    expect(runbook.filesystems.shared?.primary.region).toBeUndefined();
  });

  it('writes a pilot-light DR Lustre side to be created in the given subnet', () => {
    const flags = { ...BY_TYPE['fsx-lustre']!, secondarySubnet: 'subnet-0123456789abcdef0' };
    delete flags.secondaryId;
    const runbook = validate(renderInitRunbook(toAnswers(flags)));
    const resource = runbook.filesystems['lustre-scratch'];
    expect(resource?.type === 'fsx-lustre' && resource.secondary.create?.subnetId).toBe('subnet-0123456789abcdef0');
    expect(resource?.type === 'fsx-lustre' && resource.secondary.fileSystemId).toBeUndefined();
  });
});
