/**
 * Replication rules as drctl manages them. Pure.
 *
 * PutBucketReplication replaces the whole configuration, so drctl reads, merges its own rules by ID and writes
 * the result: rules with other IDs are kept as they are, and within its own rule drctl only sets the fields it
 * manages (a storage class or KMS setting someone added stays). Comparisons use a projection of the managed
 * fields, so "equal" means "equal in what the runbook declares".
 */
import type { ReplicationConfiguration, ReplicationRule } from '@aws-sdk/client-s3';
import type { Side } from '../runbook/schema.js';
import type { BucketPair } from './s3-common.js';
import { bucketArn, otherSide, replicationRoleFor } from './s3-common.js';

/** The fields of a rule (and of its configuration) that drctl declares. */
export interface ManagedRule {
  id: string;
  role: string;
  status: string;
  prefix: string;
  /** True when the rule filters on tags: drctl never writes those, so it is always a difference. */
  tagFilter: boolean;
  destinationBucket: string;
  destinationAccount: string | null;
  ownerOverride: boolean;
  deleteMarkers: boolean;
  replicaModifications: boolean;
  rtc: boolean;
}

/** The rule the runbook wants on `from`'s bucket for a pair, or undefined when no role is declared for it. */
export function planDesiredRule(pair: BucketPair, from: Side): ManagedRule | undefined {
  const role = replicationRoleFor(pair.settings, from);
  if (!role) return undefined;
  const source = pair[from];
  const destination = pair[otherSide(from)];
  const crossAccount = source.accountId !== destination.accountId;
  return {
    id: pair.ruleId,
    role,
    status: 'Enabled',
    prefix: source.prefix,
    tagFilter: false,
    destinationBucket: bucketArn(destination.bucket),
    destinationAccount: crossAccount ? destination.accountId : null,
    ownerOverride: crossAccount && pair.settings.ownerOverride,
    deleteMarkers: pair.settings.deleteMarkers,
    replicaModifications: pair.settings.replicaModifications,
    rtc: pair.settings.rtc,
  };
}

function rulePrefix(rule: ReplicationRule): string {
  const filter = rule.Filter;
  return filter?.Prefix ?? filter?.And?.Prefix ?? rule.Prefix ?? '';
}

/** The managed projection of an existing rule under its configuration's role. */
export function projectRule(rule: ReplicationRule, role: string | undefined): ManagedRule {
  const filter = rule.Filter;
  return {
    id: rule.ID ?? '',
    role: role ?? '',
    status: rule.Status ?? '',
    prefix: rulePrefix(rule),
    tagFilter: Boolean(filter?.Tag ?? (filter?.And?.Tags && filter.And.Tags.length > 0)),
    destinationBucket: rule.Destination?.Bucket ?? '',
    destinationAccount: rule.Destination?.Account ?? null,
    ownerOverride: rule.Destination?.AccessControlTranslation?.Owner === 'Destination',
    deleteMarkers: rule.DeleteMarkerReplication?.Status === 'Enabled',
    replicaModifications: rule.SourceSelectionCriteria?.ReplicaModifications?.Status === 'Enabled',
    rtc: rule.Destination?.ReplicationTime?.Status === 'Enabled',
  };
}

const FIELD_LABELS: Record<keyof ManagedRule, string> = {
  id: 'ID',
  role: 'Role',
  status: 'Status',
  prefix: 'Filter.Prefix',
  tagFilter: 'Filter by tags',
  destinationBucket: 'Destination.Bucket',
  destinationAccount: 'Destination.Account',
  ownerOverride: 'Destination.AccessControlTranslation (owner override)',
  deleteMarkers: 'DeleteMarkerReplication',
  replicaModifications: 'ReplicaModifications',
  rtc: 'ReplicationTime (RTC)',
};

function show(value: string | boolean | null): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === null) return '(none)';
  return value === '' ? "''" : value;
}

/** Lines "field: actual → desired" for each managed field that differs; empty when equal. */
export function diffRules(actual: ManagedRule, desired: ManagedRule): string[] {
  return (Object.keys(FIELD_LABELS) as Array<keyof ManagedRule>)
    .filter((field) => actual[field] !== desired[field])
    .map((field) => `${FIELD_LABELS[field]}: ${show(actual[field])} → ${show(desired[field])}`);
}

/** Our rule as S3 wants it (V2 schema: Filter, Priority and DeleteMarkerReplication), on top of the existing one. */
export function renderRule(desired: ManagedRule, existing: ReplicationRule | undefined, priority: number): ReplicationRule {
  const base: ReplicationRule = existing ? structuredClone(existing) : { Status: 'Enabled', Destination: { Bucket: desired.destinationBucket } };
  delete base.Prefix; // V1 field; V2 uses Filter
  const destination = { ...(base.Destination ?? {}), Bucket: desired.destinationBucket };
  if (desired.destinationAccount) destination.Account = desired.destinationAccount;
  else delete destination.Account;
  if (desired.ownerOverride) destination.AccessControlTranslation = { Owner: 'Destination' };
  else delete destination.AccessControlTranslation;
  if (desired.rtc) {
    destination.ReplicationTime = { Status: 'Enabled', Time: { Minutes: 15 } };
    destination.Metrics = { Status: 'Enabled', EventThreshold: { Minutes: 15 } };
  } else if (destination.ReplicationTime) {
    // RTC requires metrics; once RTC is off, metrics someone wants may stay, but an RTC block may not.
    delete destination.ReplicationTime;
  }
  const criteria = { ...(base.SourceSelectionCriteria ?? {}) };
  criteria.ReplicaModifications = { Status: desired.replicaModifications ? 'Enabled' : 'Disabled' };
  return {
    ...base,
    ID: desired.id,
    Priority: priority,
    Status: 'Enabled',
    Filter: { Prefix: desired.prefix },
    DeleteMarkerReplication: { Status: desired.deleteMarkers ? 'Enabled' : 'Disabled' },
    SourceSelectionCriteria: criteria,
    Destination: destination,
  };
}

/** The priority for our rule: declared, else the one it has, else one above every other rule. */
export function planPriority(config: ReplicationConfiguration | undefined, ruleId: string, declared: number | undefined): number {
  if (declared !== undefined) return declared;
  const rules = config?.Rules ?? [];
  const own = rules.find((r) => r.ID === ruleId);
  if (own?.Priority !== undefined) return own.Priority;
  const others = rules.filter((r) => r.ID !== ruleId).map((r) => r.Priority ?? 0);
  return others.length === 0 ? 1 : Math.max(...others) + 1;
}

/** The configuration with `rule` put in place of the rule with its ID (or appended), under `role`. */
export function mergeRule(config: ReplicationConfiguration | undefined, rule: ReplicationRule, role: string): ReplicationConfiguration {
  const rules = [...(config?.Rules ?? [])];
  const index = rules.findIndex((r) => r.ID === rule.ID);
  if (index >= 0) rules[index] = rule;
  else rules.push(rule);
  return { Role: role, Rules: rules };
}

/** The configuration without the rules with these IDs; undefined when nothing would be left (delete it). */
export function withoutRules(config: ReplicationConfiguration | undefined, ids: string[]): ReplicationConfiguration | undefined {
  const rules = (config?.Rules ?? []).filter((r) => !ids.includes(r.ID ?? ''));
  if (rules.length === 0) return undefined;
  return { Role: config?.Role, Rules: rules };
}

/** IDs of the rules in a configuration other than ours, for messages. */
export function otherRuleIds(config: ReplicationConfiguration | undefined, ours: string[]): string[] {
  return (config?.Rules ?? []).map((r) => r.ID ?? '(no id)').filter((id) => !ours.includes(id));
}
