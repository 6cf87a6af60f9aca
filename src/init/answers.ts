/**
 * What `drctl init` needs to know, one field per flag, with the format each must have and which resource types
 * need it. The same table drives flag validation, the TTY questions and the "missing flags" error, so they
 * cannot disagree. Pure.
 */
import { ACCOUNT_ID, BUCKET_NAME, EFS_ID, FSX_ID, NAME, REGION, ROLE_ARN } from '../runbook/common.js';
import { DURATION_PATTERN } from '../util/duration.js';

export type InitResourceType = 'efs' | 'fsx-lustre' | 's3';
export const INIT_TYPES: readonly InitResourceType[] = ['efs', 'fsx-lustre', 's3'];

export interface InitAccount {
  /** The runbook's name for the account (what sides refer to). */
  name: string;
  id: string;
  region: string;
  roleArn?: string;
  externalId?: string;
}

export interface InitAnswers {
  type: InitResourceType;
  /** Resource name (what --fs selects) and runbook name. */
  name: string;
  primary: InitAccount;
  secondary: InitAccount;
  /** efs and fsx-lustre: the file system ids. A pilot-light Lustre DR side has `secondarySubnet` instead. */
  primaryId?: string;
  secondaryId?: string;
  secondarySubnet?: string;
  /** s3: the bucket pair; fsx-lustre: the buckets linked to each file system. */
  primaryBucket?: string;
  secondaryBucket?: string;
  /** fsx-lustre: the linked directory (default /data). */
  path?: string;
  replicationRole?: string;
  reverseReplicationRole?: string;
  rpo: string;
  rto: string;
}

/** The flat form answers take as flags and questions (camelCase of the flag name). */
export type InitFlags = Partial<Record<InitField['key'], string>>;

export interface InitField {
  key:
    | 'type' | 'name'
    | 'primaryName' | 'primaryAccount' | 'primaryRegion' | 'primaryRole' | 'primaryExternalId'
    | 'secondaryName' | 'secondaryAccount' | 'secondaryRegion' | 'secondaryRole' | 'secondaryExternalId'
    | 'primaryId' | 'secondaryId' | 'secondarySubnet' | 'primaryBucket' | 'secondaryBucket' | 'path'
    | 'replicationRole' | 'reverseReplicationRole' | 'rpo' | 'rto';
  flag: string;
  question: string;
  /** Format check; the message says what is expected. */
  pattern?: RegExp;
  expected: string;
  default?: (flags: InitFlags) => string | undefined;
  /** Whether the field must be answered for these answers so far (undefined: optional, never asked). */
  required?: (flags: InitFlags) => boolean;
  /** Asked on a TTY even though optional (Enter skips). */
  askOptional?: (flags: InitFlags) => boolean;
  /** Asked on a TTY with its default offered (Enter accepts it). */
  askDefault?: boolean;
  /** How the field is named in the "missing options" error, when the flag alone does not say it. */
  missingLabel?: string;
}

const crossAccount = (f: InitFlags) => f.primaryAccount !== undefined && f.secondaryAccount !== undefined && f.primaryAccount !== f.secondaryAccount;
const isType = (...types: InitResourceType[]) => (f: InitFlags) => types.includes(f.type as InitResourceType);
const always = () => true;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;

export const INIT_FIELDS: readonly InitField[] = [
  { key: 'type', flag: '--type', question: 'Resource type (efs, fsx-lustre or s3)', pattern: /^(efs|fsx-lustre|s3)$/, expected: 'efs, fsx-lustre or s3', required: always },
  { key: 'name', flag: '--name', question: 'Resource name, what --fs will select (e.g. efs-prod)', pattern: NAME, expected: 'a lowercase name: a-z, 0-9, - and _, starting with a letter or digit', required: always },
  { key: 'primaryAccount', flag: '--primary-account', question: 'Primary (production) account id', pattern: ACCOUNT_ID, expected: 'a 12-digit account id', required: always },
  { key: 'primaryRegion', flag: '--primary-region', question: 'Primary region (e.g. us-east-1)', pattern: REGION, expected: 'a region such as us-east-1', required: always },
  { key: 'primaryRole', flag: '--primary-role', question: 'Role drctl assumes in the primary account (Enter: use the base credentials)', pattern: ROLE_ARN, expected: 'a role ARN such as arn:aws:iam::111111111111:role/drctl-operator', askOptional: always },
  { key: 'primaryExternalId', flag: '--primary-external-id', question: "External id the primary role's trust policy requires (Enter: none)", pattern: /^[\w+=,.@:/-]{2,1224}$/, expected: '2-1224 characters of letters, digits and +=,.@:/-', askOptional: (f) => f.primaryRole !== undefined },
  { key: 'primaryName', flag: '--primary-name', question: 'Name for the primary account in the runbook', pattern: NAME, expected: 'a lowercase name', default: () => 'prod' },
  { key: 'secondaryAccount', flag: '--secondary-account', question: 'Secondary (DR) account id', pattern: ACCOUNT_ID, expected: 'a 12-digit account id', required: always },
  { key: 'secondaryRegion', flag: '--secondary-region', question: 'Secondary (DR) region (e.g. us-west-2)', pattern: REGION, expected: 'a region such as us-west-2', required: always },
  { key: 'secondaryRole', flag: '--secondary-role', question: 'Role drctl assumes in the DR account (Enter: use the base credentials)', pattern: ROLE_ARN, expected: 'a role ARN', askOptional: (f) => f.secondaryAccount !== f.primaryAccount },
  { key: 'secondaryExternalId', flag: '--secondary-external-id', question: "External id the DR role's trust policy requires (Enter: none)", pattern: /^[\w+=,.@:/-]{2,1224}$/, expected: '2-1224 characters of letters, digits and +=,.@:/-', askOptional: (f) => f.secondaryRole !== undefined },
  { key: 'secondaryName', flag: '--secondary-name', question: 'Name for the DR account in the runbook', pattern: NAME, expected: 'a lowercase name', default: () => 'dr' },
  { key: 'primaryId', flag: '--primary-id', question: 'Primary file system id (fs-...)', pattern: EFS_ID, expected: 'a file system id: fs- followed by hex digits', required: isType('efs', 'fsx-lustre') },
  { key: 'secondaryId', flag: '--secondary-id', question: 'DR file system id (fs-...)', pattern: EFS_ID, expected: 'a file system id: fs- followed by hex digits', required: isType('efs') },
  {
    key: 'secondaryId',
    flag: '--secondary-id',
    question: 'DR file system id (fs-...), or Enter for a pilot-light DR file system created at failover',
    pattern: EFS_ID,
    expected: 'a file system id: fs- followed by hex digits',
    askOptional: isType('fsx-lustre'),
  },
  {
    key: 'secondarySubnet',
    flag: '--secondary-subnet',
    question: 'Subnet to create the pilot-light DR Lustre file system in',
    pattern: SUBNET,
    expected: 'a subnet id such as subnet-0123456789abcdef0',
    required: (f) => isType('fsx-lustre')(f) && f.secondaryId === undefined,
    missingLabel: '--secondary-id (or --secondary-subnet for a pilot-light DR file system)',
  },
  { key: 'primaryBucket', flag: '--primary-bucket', question: 'Primary bucket', pattern: BUCKET_NAME, expected: 'a bucket name (3-63 lowercase letters, digits, dots, hyphens)', required: isType('s3', 'fsx-lustre') },
  { key: 'secondaryBucket', flag: '--secondary-bucket', question: 'DR bucket', pattern: BUCKET_NAME, expected: 'a bucket name (3-63 lowercase letters, digits, dots, hyphens)', required: isType('s3', 'fsx-lustre') },
  { key: 'path', flag: '--path', question: 'Lustre directory linked to the buckets', pattern: /^\/[^\0]{0,4095}$/, expected: 'an absolute path such as /data', default: (f) => (f.type === 'fsx-lustre' ? '/data' : undefined), askDefault: true },
  {
    key: 'replicationRole',
    flag: '--replication-role',
    question: 'Role the service assumes to replicate primary → DR (in the primary account)',
    pattern: ROLE_ARN,
    expected: 'a role ARN in the primary account',
    required: (f) => isType('s3', 'fsx-lustre')(f) || (isType('efs')(f) && crossAccount(f)),
  },
  {
    key: 'reverseReplicationRole',
    flag: '--reverse-replication-role',
    question: 'Role the service assumes to replicate DR → primary for failback (in the DR account)',
    pattern: ROLE_ARN,
    expected: 'a role ARN in the DR account',
    required: (f) => isType('s3', 'fsx-lustre')(f) || (isType('efs')(f) && crossAccount(f)),
  },
  { key: 'rpo', flag: '--rpo', question: 'Recovery point objective', pattern: new RegExp(DURATION_PATTERN), expected: 'a duration such as 15m', default: () => '15m', askDefault: true },
  { key: 'rto', flag: '--rto', question: 'Recovery time objective', pattern: new RegExp(DURATION_PATTERN), expected: 'a duration such as 1h', default: () => '1h', askDefault: true },
];

/** The problem with a value for a field, or undefined when it is fine. */
export function checkField(field: InitField, value: string): string | undefined {
  if (field.key === 'primaryId' || field.key === 'secondaryId') {
    return EFS_ID.test(value) || FSX_ID.test(value) ? undefined : `${field.flag} '${value}' is not ${field.expected}`;
  }
  return field.pattern && !field.pattern.test(value) ? `${field.flag} '${value}' is not ${field.expected}` : undefined;
}

/** Fields still unanswered that these answers require, in question order. */
export function missingFields(flags: InitFlags): InitField[] {
  const missing = INIT_FIELDS.filter((f) => flags[f.key] === undefined && f.required?.(flags) === true && f.default?.(flags) === undefined);
  return missing.filter((f, i) => missing.findIndex((g) => g.key === f.key) === i);
}

function account(flags: InitFlags, side: 'primary' | 'secondary'): InitAccount {
  const get = (suffix: 'Name' | 'Account' | 'Region' | 'Role' | 'ExternalId') => flags[`${side}${suffix}`];
  const result: InitAccount = { name: get('Name') ?? (side === 'primary' ? 'prod' : 'dr'), id: get('Account') ?? '', region: get('Region') ?? '' };
  const role = get('Role');
  const externalId = get('ExternalId');
  if (role) result.roleArn = role;
  if (externalId) result.externalId = externalId;
  return result;
}

/** Complete flags → answers (defaults applied). Call after missingFields() returned nothing. */
export function toAnswers(flags: InitFlags): InitAnswers {
  const answers: InitAnswers = {
    type: (flags.type ?? 'efs') as InitResourceType,
    name: flags.name ?? '',
    primary: account(flags, 'primary'),
    secondary: account(flags, 'secondary'),
    rpo: flags.rpo ?? '15m',
    rto: flags.rto ?? '1h',
  };
  const optional = ['primaryId', 'secondaryId', 'secondarySubnet', 'primaryBucket', 'secondaryBucket', 'replicationRole', 'reverseReplicationRole'] as const;
  for (const key of optional) {
    const value = flags[key];
    if (value !== undefined) answers[key] = value;
  }
  if (answers.type === 'fsx-lustre') answers.path = flags.path ?? '/data';
  return answers;
}
