/**
 * The AwsGateway steps call: resolves a target to an account and region, refuses calls to targets marked
 * unavailable, proves the account's identity before its first mutation, sends the command through the pooled
 * client, journals the call and maps failures to AwsCallError.
 */
import { InputError, RefusedError, StepError } from '../errors.js';
import type { AwsLayerOptions, ClientPool, DrctlAwsGateway } from './clients.js';
import type { CallSite } from './errors.js';
import { attemptsOf, awsErrorNameOf, httpStatusOf, mapAwsError, requestIdOf } from './errors.js';
import type { ServiceName } from './operations.js';
import { operationInfo } from './operations.js';
import type { AwsCallRecord, OpInput, OpName, OpOutput, Target, VerifiedIdentity } from './types.js';

interface ResolvedTarget {
  account: string;
  accountId: string;
  region: string;
}

/** Input members that name the resource a call is about, in order of preference (for messages). */
const RESOURCE_KEYS = ['SourceFileSystemId', 'FileSystemId', 'AssociationId', 'Bucket', 'JobId', 'RoleArn'] as const;

function resourceOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const record = input as Record<string, unknown>;
  for (const key of RESOURCE_KEYS) if (typeof record[key] === 'string') return record[key];
  const ids = record.FileSystemIds;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : undefined;
}

interface SdkOutput {
  $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number };
}

export class Gateway implements DrctlAwsGateway {
  private readonly verified = new Map<string, Promise<VerifiedIdentity>>();
  private readonly identityList: VerifiedIdentity[] = [];

  constructor(
    private readonly options: AwsLayerOptions,
    private readonly pool: ClientPool,
  ) {}

  async call<S extends ServiceName, O extends OpName<S>>(target: Target, service: S, operation: O, input: OpInput<S, O>): Promise<OpOutput<S, O>> {
    const resolved = this.resolve(target);
    this.refuseIfDenied(resolved, service, operation);
    const info = operationInfo(service, operation);
    if (!info) {
      throw new StepError('unknown-aws-operation', `${service} ${operation} is not in drctl's operation catalogue (src/aws/operations.ts)`, {
        hint: 'This is a bug in drctl: every operation a step calls must be catalogued (it drives --dry-run and IAM policies).',
      });
    }
    // Prove whose credentials these are before the first change to an account (DESIGN principle 1). A dry run
    // never mutates (the guard refuses), so it does not need the extra call here.
    if (info.mutating && !this.options.dryRun) await this.verifyIn(resolved.account, resolved.region);
    return (await this.send(resolved, service, operation, input)) as OpOutput<S, O>;
  }

  verifyIdentity(account: string): Promise<VerifiedIdentity> {
    return this.verifyIn(account, this.identityRegion(account));
  }

  identities(): VerifiedIdentity[] {
    return [...this.identityList];
  }

  destroy(): void {
    this.pool.destroy();
  }

  private resolve(target: Target): ResolvedTarget {
    const account = this.options.runbook.accounts[target.account];
    if (!account) {
      throw new InputError('unknown-account', `account '${target.account}' is not declared in the runbook`, {
        hint: `Declared accounts: ${Object.keys(this.options.runbook.accounts).join(', ') || '(none)'}.`,
      });
    }
    return { account: target.account, accountId: account.id, region: target.region ?? account.region };
  }

  private isDenied(account: string, region: string): boolean {
    return (this.options.deniedTargets ?? []).some((d) => d.account === account && (d.region === undefined || d.region === region));
  }

  private refuseIfDenied(target: ResolvedTarget, service: string, operation: string): void {
    if (!this.isDenied(target.account, target.region)) return;
    throw new RefusedError(
      'primary-unavailable-call',
      `${service} ${operation} in account ${target.account} (${target.accountId}) ${target.region} was not sent: that region is marked unavailable (--primary-unavailable)`,
      { hint: 'This step needs the primary region. Run it once the region is back, without --primary-unavailable.' },
    );
  }

  /** The region identity is checked in: the account's own, unless it is marked unavailable. */
  private identityRegion(accountName: string): string {
    const target = this.resolve({ account: accountName });
    if (!this.isDenied(accountName, target.region)) return target.region;
    for (const resource of Object.values(this.options.runbook.filesystems)) {
      for (const side of [resource.primary, resource.secondary]) {
        const region = side.region ?? target.region;
        if (side.account === accountName && !this.isDenied(accountName, region)) return region;
      }
    }
    this.refuseIfDenied(target, 'sts', 'GetCallerIdentity');
    return target.region;
  }

  private verifyIn(accountName: string, region: string): Promise<VerifiedIdentity> {
    let pending = this.verified.get(accountName);
    if (!pending) {
      pending = this.checkIdentity(accountName, region);
      this.verified.set(accountName, pending);
      // A failed check (network, expired session) may be retried; a wrong account is refused again anyway.
      pending.catch(() => this.verified.delete(accountName));
    }
    return pending;
  }

  private async checkIdentity(accountName: string, region: string): Promise<VerifiedIdentity> {
    const target = this.resolve({ account: accountName, region });
    this.refuseIfDenied(target, 'sts', 'GetCallerIdentity');
    const out = (await this.send(target, 'sts', 'GetCallerIdentity', {})) as { Account?: string; Arn?: string; UserId?: string };
    const arn = out.Arn ?? '(no ARN returned)';
    if (out.Account !== target.accountId) {
      const role = this.pool.roleArnOf(accountName);
      throw new RefusedError(
        'wrong-account',
        `the credentials for account ${accountName} belong to AWS account ${out.Account ?? '(unknown)'} (${arn}), but the runbook declares ${target.accountId}; nothing was changed`,
        {
          hint: role
            ? `Check accounts.${accountName}.roleArn (${role}) and the base credentials (--profile, accounts.${accountName}.profile, AWS_PROFILE): the role must be in account ${target.accountId}.`
            : `Use credentials for account ${target.accountId}: set accounts.${accountName}.profile or roleArn in the runbook, or pass --profile / AWS_PROFILE.`,
        },
      );
    }
    const identity: VerifiedIdentity = { account: accountName, accountId: out.Account, arn, userId: out.UserId ?? '' };
    this.identityList.push(identity);
    return identity;
  }

  private async send(target: ResolvedTarget, service: ServiceName, operation: string, input: unknown): Promise<unknown> {
    const site: CallSite = { service, operation, ...target };
    const role = this.pool.roleArnOf(target.account);
    if (role) site.roleArn = role;
    const resource = resourceOf(input);
    if (resource) site.resource = resource;
    const started = this.options.clock.now();
    try {
      const client = await this.pool.client(service, target.account, target.region);
      const Command = await this.pool.command(service, operation);
      if (!Command) throw new StepError('unknown-aws-operation', `the ${service} SDK has no ${operation}Command`);
      const output = await client.send(new Command(input));
      const meta = (output as SdkOutput | undefined)?.$metadata;
      this.record(site, started, {
        outcome: 'ok',
        ...(meta?.requestId ? { requestId: meta.requestId } : {}),
        ...(meta?.httpStatusCode !== undefined ? { httpStatus: meta.httpStatusCode } : {}),
        ...(meta?.attempts !== undefined ? { attempts: meta.attempts } : {}),
      });
      return output;
    } catch (err) {
      const mapped = mapAwsError(err, site);
      // Refusals (dry-run guard) never reached AWS: they are not AWS calls and are not journaled as such.
      if (!(mapped instanceof RefusedError)) {
        const requestId = requestIdOf(err);
        const httpStatus = httpStatusOf(err);
        const attempts = attemptsOf(err);
        this.record(site, started, {
          outcome: 'error',
          errorName: awsErrorNameOf(err),
          ...(requestId ? { requestId } : {}),
          ...(httpStatus !== undefined ? { httpStatus } : {}),
          ...(attempts !== undefined ? { attempts } : {}),
        });
      }
      throw mapped;
    }
  }

  private record(site: CallSite, started: number, result: Pick<AwsCallRecord, 'outcome' | 'requestId' | 'errorName' | 'httpStatus' | 'attempts'>): void {
    if (!this.options.onCall) return;
    // Built field by field from the call site so nothing from the request (or credentials) can leak in.
    this.options.onCall({
      service: site.service,
      operation: site.operation,
      account: site.account,
      accountId: site.accountId,
      region: site.region,
      durationMs: Math.max(0, this.options.clock.now() - started),
      ...result,
    });
  }
}
