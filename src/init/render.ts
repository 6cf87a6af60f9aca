/**
 * renderInitRunbook: answers → a commented YAML runbook with the standard failover and failback procedures
 * written out (from the same derivers `drctl plan` expands), ready to edit and validate. Pure.
 */
import { Document, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { resourceSchema, type Resource, type StepSpec } from '../runbook/schema.js';
import { findStepKind } from '../steps/registry.js';
import { resolveProcedure } from '../steps/procedures.js';
import type { InitAccount, InitAnswers } from './answers.js';

type Json = Record<string, unknown>;

function sameAccount(a: InitAnswers): boolean {
  const { primary: p, secondary: s } = a;
  return p.id === s.id && (s.roleArn === undefined || s.roleArn === p.roleArn) && (s.externalId === undefined || s.externalId === p.externalId);
}

function accountEntry(account: InitAccount): Json {
  return { id: account.id, region: account.region, ...(account.roleArn ? { roleArn: account.roleArn } : {}), ...(account.externalId ? { externalId: account.externalId } : {}) };
}

/** `account:` plus `region:` when the side's region is not its account's (one account, two regions). */
function sideBase(a: InitAnswers, side: 'primary' | 'secondary'): Json {
  const account = sameAccount(a) ? a.primary : a[side];
  const region = a[side].region;
  return { account: account.name, ...(region !== account.region ? { region } : {}) };
}

function replication(a: InitAnswers): Json {
  return { ...(a.replicationRole ? { roleArn: a.replicationRole } : {}), ...(a.reverseReplicationRole ? { reverseRoleArn: a.reverseReplicationRole } : {}) };
}

function resourceBody(a: InitAnswers): Json {
  const head = { type: a.type, description: `TODO: what ${a.name} holds (shown in plans and reports)` };
  const tail = { rpo: a.rpo, rto: a.rto };
  if (a.type === 'efs') {
    const roles = replication(a);
    return {
      ...head,
      primary: { ...sideBase(a, 'primary'), fileSystemId: a.primaryId },
      secondary: { ...sideBase(a, 'secondary'), fileSystemId: a.secondaryId },
      ...(Object.keys(roles).length > 0 ? { replication: roles } : {}),
      ...tail,
    };
  }
  if (a.type === 's3') {
    return { ...head, primary: { ...sideBase(a, 'primary'), bucket: a.primaryBucket }, secondary: { ...sideBase(a, 'secondary'), bucket: a.secondaryBucket }, replication: replication(a), ...tail };
  }
  const path = a.path ?? '/data';
  const secondaryFs = a.secondaryId ? { fileSystemId: a.secondaryId } : { create: { subnetId: a.secondarySubnet } };
  return {
    ...head,
    primary: { ...sideBase(a, 'primary'), fileSystemId: a.primaryId, associations: [{ fileSystemPath: path, bucket: a.primaryBucket }] },
    secondary: { ...sideBase(a, 'secondary'), ...secondaryFs, associations: [{ fileSystemPath: path, bucket: a.secondaryBucket }] },
    replication: replication(a),
    ...tail,
  };
}

/** The standard procedures for the resource, or undefined where drctl has none for the type (yet). */
function procedures(name: string, body: Json): { failover?: StepSpec[]; failback?: StepSpec[] | { preserve: StepSpec[]; discard: StepSpec[] } } {
  const parsed = resourceSchema.safeParse(body);
  if (!parsed.success) return {};
  const resource: Resource = parsed.data;
  const failover = resolveProcedure(name, resource, 'failover', 'preserve').steps;
  const preserve = resolveProcedure(name, resource, 'failback', 'preserve').steps;
  const discard = resolveProcedure(name, resource, 'failback', 'discard').steps;
  const same = JSON.stringify(preserve) === JSON.stringify(discard);
  return {
    ...(failover.length > 0 ? { failover } : {}),
    ...(preserve.length > 0 && discard.length > 0 ? { failback: same ? preserve : { preserve, discard } } : {}),
  };
}

function pairOf(map: unknown, key: string): Pair<Node, Node> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node>).items.find((p) => isScalar(p.key) && p.key.value === key);
}

function comment(map: unknown, key: string, text: string, spaceBefore = false): void {
  const pair = pairOf(map, key);
  if (!pair || !isScalar(pair.key)) return;
  pair.key.commentBefore = text.split('\n').map((l) => ` ${l}`).join('\n');
  if (spaceBefore) pair.key.spaceBefore = true;
}

/** A comment above each step naming what its kind does, so the spelled-out procedure reads as a checklist. */
function commentSteps(seq: unknown): void {
  if (!isSeq(seq)) return;
  for (const item of seq.items) {
    const uses = isMap(item) ? (item as YAMLMap).get('uses') : undefined;
    const kind = typeof uses === 'string' ? findStepKind(uses) : undefined;
    if (kind && isMap(item)) (item as YAMLMap<Node, Node>).commentBefore = ` ${kind.summary}`;
  }
}

export function renderInitRunbook(answers: InitAnswers): string {
  const body = resourceBody(answers);
  const steps = procedures(answers.name, body);
  const accounts = sameAccount(answers)
    ? { [answers.primary.name]: accountEntry(answers.primary) }
    : { [answers.primary.name]: accountEntry(answers.primary), [answers.secondary.name]: accountEntry(answers.secondary) };
  const doc = new Document({ version: 1, name: answers.name, accounts, filesystems: { [answers.name]: { ...body, ...steps } } });
  doc.commentBefore = [
    ' yaml-language-server: $schema=./schema.json',
    '',
    ` drctl runbook for ${answers.name} (${answers.type}), written by \`drctl init\`.`,
    ' Check it with `drctl validate -f <this file>` and preview with `drctl plan failover --fs ' + answers.name + '`.',
    ' The schema line above gives editors completion; write schema.json beside this file with `drctl schema > schema.json`.',
  ].join('\n');
  const root = doc.contents;
  comment(root, 'accounts', 'The AWS accounts drctl acts in. Before any change drctl checks (sts:GetCallerIdentity) that the\ncredentials belong to the id declared here. A roleArn is assumed from the base credentials.', true);
  comment(root, 'filesystems', 'Protected resources; the key is what --fs selects.', true);
  const resource = doc.getIn(['filesystems', answers.name]);
  comment(resource, 'primary', 'Normal operation: the primary is the replication source, the secondary the DR copy.');
  comment(resource, 'replication', 'Roles the storage service assumes to replicate (primary → secondary, and back for failback).');
  comment(resource, 'rpo', 'Failover refuses when the DR copy lags more than the RPO (unless --force); drills measure both targets.');
  if (steps.failover) {
    comment(resource, 'failover', 'The standard failover procedure, written out so you can edit it. Delete `failover:` to use\ndrctl\'s built-in procedure instead (`drctl plan failover` shows it).', true);
    commentSteps(doc.getIn(['filesystems', answers.name, 'failover']));
  } else {
    comment(resource, 'rpo', 'Failover refuses when the DR copy lags more than the RPO (unless --force); drills measure both targets.\nNo failover:/failback: lists: drctl uses its standard procedures (`drctl plan failover` shows them).');
  }
  if (steps.failback) {
    comment(resource, 'failback', 'The standard failback: `--mode preserve` replicates DR changes home first; `--mode discard`\noverwrites them with the primary\'s data.', true);
    const failback = doc.getIn(['filesystems', answers.name, 'failback']);
    if (isSeq(failback)) commentSteps(failback);
    for (const mode of ['preserve', 'discard']) commentSteps(doc.getIn(['filesystems', answers.name, 'failback', mode]));
  }
  return doc.toString({ lineWidth: 0 });
}
