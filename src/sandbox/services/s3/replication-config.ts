/**
 * Bucket replication configurations: read from the PutBucketReplication XML, validated the way S3 validates them
 * (aws-reference.md §3.2), stored as plain data, written back by GetBucketReplication, and evaluated per object
 * (which rules apply to a key, and so which destinations it goes to).
 */
import { AwsError } from '../../protocol/errors.js';
import { el, optionalEl, type XmlElement } from '../../protocol/xml.js';
import { child, childInteger, childrenNamed, childText, type XmlNode } from './xml-read.js';

export interface Tag {
  key: string;
  value: string;
}

export interface ReplicationFilter {
  prefix?: string;
  tag?: Tag;
  and?: { prefix?: string; tags: Tag[] };
}

export interface ReplicationRule {
  id: string;
  priority?: number;
  /** V1 only (deprecated top-level prefix). */
  prefix?: string;
  /** Present (possibly empty) for V2 rules: its presence is what makes a configuration V2. */
  filter?: ReplicationFilter;
  status: 'Enabled' | 'Disabled';
  sseKmsEncryptedObjects?: string;
  replicaModifications?: string;
  existingObjectReplication?: string;
  deleteMarkerReplication?: string;
  destination: {
    /** The bucket ARN, as sent. */
    bucketArn: string;
    account?: string;
    storageClass?: string;
    ownerOverride?: string;
    replicaKmsKeyId?: string;
    replicationTime?: { status: string; minutes?: number };
    metrics?: { status: string; minutes?: number };
  };
}

export interface ReplicationConfiguration {
  role: string;
  rules: ReplicationRule[];
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

function malformed(detail: string): AwsError {
  return new AwsError(
    'MalformedXML',
    400,
    `The XML you provided was not well-formed or did not validate against our published schema: ${detail}`,
  );
}

function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequest', 400, message);
}

function readTag(node: XmlNode | undefined): Tag | undefined {
  if (!node) return undefined;
  const key = childText(node, 'Key');
  if (key === undefined) throw malformed('<Tag> needs <Key>');
  return { key, value: childText(node, 'Value') ?? '' };
}

function readFilter(node: XmlNode): ReplicationFilter {
  const filter: ReplicationFilter = {};
  const prefix = childText(node, 'Prefix');
  if (prefix !== undefined) filter.prefix = prefix;
  const tag = readTag(child(node, 'Tag'));
  if (tag) filter.tag = tag;
  const and = child(node, 'And');
  if (and) {
    const andPrefix = childText(and, 'Prefix');
    filter.and = { ...(andPrefix !== undefined ? { prefix: andPrefix } : {}), tags: childrenNamed(and, 'Tag').map((t) => readTag(t) as Tag) };
  }
  if (Object.keys(filter).length > 1) throw malformed('a <Filter> holds exactly one of <Prefix>, <Tag> or <And>');
  return filter;
}

function statusOf(node: XmlNode | undefined, name: string): string | undefined {
  const inner = child(node, name);
  if (!inner) return undefined;
  const status = childText(inner, 'Status');
  if (status === undefined) throw malformed(`<${name}> needs <Status>`);
  return status;
}

function minutesOf(node: XmlNode | undefined, wrapper: string): { status: string; minutes?: number } | undefined {
  if (!node) return undefined;
  const status = childText(node, 'Status');
  if (status === undefined) throw malformed('<ReplicationTime>/<Metrics> need <Status>');
  const minutes = childInteger(child(node, wrapper), 'Minutes');
  return minutes === undefined ? { status } : { status, minutes };
}

/** Reads the request XML (shape only; call validateReplicationConfiguration for S3's rules). */
export function readReplicationConfiguration(root: XmlNode, newRuleId: () => string): ReplicationConfiguration {
  if (root.name !== 'ReplicationConfiguration') throw malformed(`the root element is <${root.name}>, expected <ReplicationConfiguration>`);
  const role = childText(root, 'Role');
  if (!role) throw malformed('<Role> is required');
  const rules = childrenNamed(root, 'Rule').map((node): ReplicationRule => {
    const status = childText(node, 'Status');
    if (status !== 'Enabled' && status !== 'Disabled') throw malformed('each <Rule> needs <Status> Enabled or Disabled');
    const destination = child(node, 'Destination');
    const bucketArn = childText(destination, 'Bucket');
    if (!destination || !bucketArn) throw malformed('each <Rule> needs <Destination><Bucket>');
    const filterNode = child(node, 'Filter');
    const criteria = child(node, 'SourceSelectionCriteria');
    const rule: ReplicationRule = {
      id: childText(node, 'ID') || newRuleId(),
      status,
      destination: { bucketArn },
    };
    const priority = childInteger(node, 'Priority');
    if (priority !== undefined) rule.priority = priority;
    const prefix = childText(node, 'Prefix');
    if (prefix !== undefined) rule.prefix = prefix;
    if (filterNode) rule.filter = readFilter(filterNode);
    const sse = statusOf(criteria, 'SseKmsEncryptedObjects');
    if (sse) rule.sseKmsEncryptedObjects = sse;
    const replicaModifications = statusOf(criteria, 'ReplicaModifications');
    if (replicaModifications) rule.replicaModifications = replicaModifications;
    const existing = statusOf(node, 'ExistingObjectReplication');
    if (existing) rule.existingObjectReplication = existing;
    const deleteMarkers = statusOf(node, 'DeleteMarkerReplication');
    if (deleteMarkers) rule.deleteMarkerReplication = deleteMarkers;
    const account = childText(destination, 'Account');
    if (account) rule.destination.account = account;
    const storageClass = childText(destination, 'StorageClass');
    if (storageClass) rule.destination.storageClass = storageClass;
    const owner = childText(child(destination, 'AccessControlTranslation'), 'Owner');
    if (owner) rule.destination.ownerOverride = owner;
    const kms = childText(child(destination, 'EncryptionConfiguration'), 'ReplicaKmsKeyID');
    if (kms) rule.destination.replicaKmsKeyId = kms;
    const rtc = minutesOf(child(destination, 'ReplicationTime'), 'Time');
    if (rtc) rule.destination.replicationTime = rtc;
    const metrics = minutesOf(child(destination, 'Metrics'), 'EventThreshold');
    if (metrics) rule.destination.metrics = metrics;
    return rule;
  });
  return { role, rules };
}

/** The bucket name of a rule's destination ARN, or undefined when the ARN is not a bucket ARN. */
export function destinationBucketName(rule: ReplicationRule): string | undefined {
  return /^arn:aws[a-zA-Z-]*:s3:::([^/]+)$/.exec(rule.destination.bucketArn)?.[1];
}

/**
 * S3's own checks on a configuration, apart from the ones that need other buckets (the caller checks the
 * destination buckets exist and are versioned).
 */
export function validateReplicationConfiguration(config: ReplicationConfiguration): void {
  if (config.rules.length === 0) throw malformed('at least one <Rule> is required');
  if (config.rules.length > 1000) throw invalidRequest('A replication configuration can have at most 1000 rules.');
  if (!/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/.test(config.role)) {
    throw new AwsError('InvalidArgument', 400, `Invalid ReplicationConfiguration Role ARN: '${config.role}' is not an IAM role ARN.`);
  }
  const ids = new Set<string>();
  for (const rule of config.rules) {
    if (rule.id.length > 255) throw new AwsError('InvalidArgument', 400, `Rule ID '${rule.id.slice(0, 40)}…' is longer than 255 characters.`);
    if (ids.has(rule.id)) throw new AwsError('InvalidArgument', 400, `Rule Id must be unique. Found same ID '${rule.id}' for more than one rule.`);
    ids.add(rule.id);
    if (!destinationBucketName(rule)) {
      throw new AwsError('InvalidArgument', 400, `Invalid bucket ARN '${rule.destination.bucketArn}' in rule '${rule.id}': expected arn:aws:s3:::<bucket>.`);
    }
    const v2 = rule.filter !== undefined;
    if (v2) {
      if (rule.prefix !== undefined) throw malformed(`rule '${rule.id}' has both <Prefix> and <Filter>`);
      if (rule.priority === undefined) {
        throw invalidRequest('Priority must be specified for this version of Cross Region Replication configuration schema.');
      }
      if (rule.deleteMarkerReplication === undefined) {
        throw invalidRequest('DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.');
      }
      if (rule.deleteMarkerReplication === 'Enabled' && (rule.filter?.tag || rule.filter?.and?.tags.length)) {
        throw invalidRequest('Delete marker replication is not supported if any Tag filter is specified.');
      }
    } else {
      if (rule.deleteMarkerReplication !== undefined) {
        throw invalidRequest('DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema.');
      }
      if (rule.replicaModifications !== undefined) {
        throw invalidRequest('ReplicaModifications cannot be used for this version of Cross Region Replication configuration schema.');
      }
      if (rule.prefix === undefined) throw malformed(`rule '${rule.id}' needs <Filter> (V2) or <Prefix> (V1)`);
    }
    const { replicationTime, metrics } = rule.destination;
    if (replicationTime && replicationTime.status === 'Enabled' && metrics?.status !== 'Enabled') {
      throw invalidRequest('Replication Time Control must be used in conjunction with Metrics.');
    }
    for (const timed of [replicationTime, metrics]) {
      if (timed?.status === 'Enabled' && timed.minutes !== undefined && timed.minutes !== 15) {
        throw invalidRequest(`Replication Time Control and Metrics minutes must be 15, not ${timed.minutes}.`);
      }
    }
  }
}

function prefixOf(rule: ReplicationRule): string {
  return rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix ?? '';
}

/** Whether an enabled rule covers `key` (objects carry no tags in the sandbox, so tag filters never match). */
export function ruleAppliesTo(rule: ReplicationRule, key: string): boolean {
  if (rule.status !== 'Enabled') return false;
  if (rule.filter?.tag || rule.filter?.and?.tags.length) return false;
  return key.startsWith(prefixOf(rule));
}

/** Delete markers follow V2 DeleteMarkerReplication; V1 rules replicate user delete markers. */
export function ruleReplicatesDeleteMarkers(rule: ReplicationRule): boolean {
  return rule.filter === undefined ? true : rule.deleteMarkerReplication === 'Enabled';
}

/**
 * The destinations a new version of `key` replicates to: per destination bucket the highest-priority enabled rule
 * that covers the key (for delete markers, only rules that replicate them).
 */
export function destinationsFor(config: ReplicationConfiguration | undefined, key: string, deleteMarker: boolean): Array<{ bucket: string; ruleId: string }> {
  if (!config) return [];
  const best = new Map<string, ReplicationRule>();
  for (const rule of config.rules) {
    if (!ruleAppliesTo(rule, key)) continue;
    if (deleteMarker && !ruleReplicatesDeleteMarkers(rule)) continue;
    const bucket = destinationBucketName(rule);
    if (!bucket) continue;
    const current = best.get(bucket);
    if (!current || (rule.priority ?? 0) > (current.priority ?? 0)) best.set(bucket, rule);
  }
  return [...best.entries()].map(([bucket, rule]) => ({ bucket, ruleId: rule.id }));
}

function statusEl(name: string, status: string | undefined): XmlElement | undefined {
  return status === undefined ? undefined : el(name, el('Status', status));
}

function tagEl(tag: Tag): XmlElement {
  return el('Tag', el('Key', tag.key), el('Value', tag.value));
}

function filterEl(filter: ReplicationFilter): XmlElement {
  return el(
    'Filter',
    optionalEl('Prefix', filter.prefix),
    filter.tag ? tagEl(filter.tag) : undefined,
    filter.and ? el('And', optionalEl('Prefix', filter.and.prefix), filter.and.tags.map(tagEl)) : undefined,
  );
}

function timedEl(name: string, wrapper: string, timed: { status: string; minutes?: number } | undefined): XmlElement | undefined {
  if (!timed) return undefined;
  return el(name, el('Status', timed.status), timed.minutes === undefined ? undefined : el(wrapper, el('Minutes', timed.minutes)));
}

/** GetBucketReplication's body: the configuration as the httpPayload root, with `<Rule>` flattened. */
export function replicationConfigurationXml(config: ReplicationConfiguration): XmlElement {
  const rules = config.rules.map((rule) => {
    const d = rule.destination;
    const criteria =
      rule.sseKmsEncryptedObjects !== undefined || rule.replicaModifications !== undefined
        ? el('SourceSelectionCriteria', statusEl('SseKmsEncryptedObjects', rule.sseKmsEncryptedObjects), statusEl('ReplicaModifications', rule.replicaModifications))
        : undefined;
    return el(
      'Rule',
      el('ID', rule.id),
      optionalEl('Priority', rule.priority),
      optionalEl('Prefix', rule.prefix),
      rule.filter ? filterEl(rule.filter) : undefined,
      el('Status', rule.status),
      criteria,
      statusEl('ExistingObjectReplication', rule.existingObjectReplication),
      el(
        'Destination',
        el('Bucket', d.bucketArn),
        optionalEl('Account', d.account),
        optionalEl('StorageClass', d.storageClass),
        d.ownerOverride ? el('AccessControlTranslation', el('Owner', d.ownerOverride)) : undefined,
        d.replicaKmsKeyId ? el('EncryptionConfiguration', el('ReplicaKmsKeyID', d.replicaKmsKeyId)) : undefined,
        timedEl('ReplicationTime', 'Time', d.replicationTime),
        timedEl('Metrics', 'EventThreshold', d.metrics),
      ),
      statusEl('DeleteMarkerReplication', rule.deleteMarkerReplication),
    );
  });
  return { name: 'ReplicationConfiguration', attributes: { xmlns: S3_NAMESPACE }, children: [el('Role', config.role), rules] };
}
