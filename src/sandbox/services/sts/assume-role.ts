/** AssumeRole's rules: parameter validation, the role must belong to a declared account, external ids, chaining. */
import type { CredentialRecord, World } from '../../world.js';
import type { CallContext } from '../../types.js';
import { AwsError } from '../../protocol/errors.js';
import type { QueryValue } from '../../protocol/aws-query.js';

const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/(?:[a-zA-Z_0-9+=,.@\-]+\/)*([a-zA-Z_0-9+=,.@\-]+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export interface AssumeRoleResult {
  credentials: CredentialRecord;
}

export function assumeRole(world: World, call: CallContext, input: Record<string, QueryValue>, callerKey: string): AssumeRoleResult {
  const roleArn = text(input['RoleArn']);
  const sessionName = text(input['RoleSessionName']);
  const externalId = text(input['ExternalId']);
  const durationText = text(input['DurationSeconds']);
  const duration = durationText === undefined ? 3600 : Number(durationText);

  if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName || !SESSION_NAME.test(sessionName)) {
    throw validation(`1 validation error detected: Value '${sessionName ?? 'null'}' at 'roleSessionName' failed to satisfy constraint: Member must have length 2..64 and match [\\w+=,.@-]*`);
  }
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validation(`1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be between 900 and 43200`);
  }
  const arnMatch = ROLE_ARN.exec(roleArn);
  if (!arnMatch) throw validation(`${roleArn} is invalid`);
  const caller = world.credentialsFor(callerKey);
  if (caller?.arn.includes(':assumed-role/') && duration > 3600) {
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }

  const found = world.findRole(roleArn);
  const denied = () =>
    new AwsError('AccessDenied', 403, `User: ${call.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  if (!found) throw denied();
  if (found.role.externalId !== undefined && found.role.externalId !== externalId) throw denied();

  const accountId = found.account.accountId;
  const roleName = arnMatch[2] ?? 'role';
  const roleId = `AROA${stableUpper(roleArn, 17)}`;
  const credentials: CredentialRecord = {
    accessKeyId: `ASIA${world.newId('', 16).toUpperCase()}`,
    secretAccessKey: world.newId('sandbox-secret-', 24),
    sessionToken: world.newId('sandbox-session-', 40),
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    userId: `${roleId}:${sessionName}`,
    expiresAt: call.now + duration * 1000,
  };
  world.addCredentials(credentials);
  pruneExpired(world, call.now);
  return { credentials };
}

function validation(message: string): AwsError {
  return new AwsError('ValidationError', 400, message);
}

function text(value: QueryValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A stable pseudo-id for a role (AWS role ids are opaque and fixed per role). */
function stableUpper(seed: string, length: number): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(36).toUpperCase();
  }
  return out.slice(0, length);
}

/** Keeps the world small: expired session keys are dropped a day after expiry (ExpiredToken until then). */
function pruneExpired(world: World, now: number): void {
  for (const [key, record] of Object.entries(world.data.credentials)) {
    if (record.expiresAt !== undefined && record.expiresAt + 86_400_000 < now) delete world.data.credentials[key];
  }
}
