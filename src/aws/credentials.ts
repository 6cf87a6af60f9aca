/**
 * Credentials per runbook account: base credentials from the standard AWS chain (or a named profile), then, when
 * the account declares a role, AssumeRole with a session name that identifies drctl and the run in CloudTrail.
 *
 * Each provider is memoized here (not only per SDK client, which is the SDK's default) so every client of an
 * account shares one AssumeRole. Providers are keyed by account *and* region: STS is called in the region the
 * calls go to, so a region outage cannot take away credentials for the regions that still work.
 *
 * Credentials never leave this module except to the SDK: nothing here logs or records them.
 */
import type { Account } from '../runbook/schema.js';
import type { Clock } from '../util/clock.js';
import { CredentialResolutionError } from './errors.js';
import type { AwsCredentials, CredentialProvider, SdkLoader } from './sdk-loader.js';

/** The sandbox's fixed keys: explicit, so a stray AWS_PROFILE cannot make sandbox runs pick up real credentials. */
export const SANDBOX_CREDENTIALS: AwsCredentials = Object.freeze({ accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' });

/** Refresh assumed-role credentials when less than this is left (the SDK uses the same margin). */
const REFRESH_MARGIN_MS = 5 * 60_000;
const ASSUME_ROLE_DURATION_SECONDS = 3600;

/**
 * `drctl-<runId>`, reduced to what STS accepts in RoleSessionName ([\w+=,.@-], 2–64 characters). It shows up in
 * CloudTrail as the session of the assumed role, so auditors can tie every call to the run.
 */
export function sessionNameFor(runId: string): string {
  const cleaned = `drctl-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : 'drctl';
}

export interface AccountCredentialsOptions {
  accountName: string;
  account: Account;
  /** Region the credentials are used in; the STS calls go there. */
  region: string;
  runId: string;
  /** --profile: base profile when the account does not name its own. */
  baseProfile?: string;
  /** Config shared with the nested STS clients (sandbox endpoint / request handler, retries). */
  stsClientConfig: Record<string, unknown>;
  sandbox: boolean;
  clock: Clock;
  loader: SdkLoader;
}

/** Caches a provider's result until it is close to expiry; concurrent callers share one resolution. */
export function memoizeCredentials(provider: CredentialProvider, clock: Clock): CredentialProvider {
  let current: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  const fresh = (c: AwsCredentials) => c.expiration === undefined || c.expiration.getTime() - clock.now() > REFRESH_MARGIN_MS;
  return async (options) => {
    if (current && fresh(current)) return current;
    pending ??= provider(options)
      .then((value) => {
        current = value;
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

function tagged(provider: CredentialProvider, tag: (err: unknown) => CredentialResolutionError): CredentialProvider {
  return async (options) => {
    try {
      return await provider(options);
    } catch (err) {
      throw err instanceof CredentialResolutionError ? err : tag(err);
    }
  };
}

/** The memoized credential provider for one account in one region. Loads the provider package on first use. */
export function createAccountCredentials(opts: AccountCredentialsOptions): CredentialProvider {
  const profile = opts.account.profile ?? opts.baseProfile;
  const sessionName = sessionNameFor(opts.runId);
  let chain: CredentialProvider | undefined;

  const baseProvider = async (): Promise<CredentialProvider> => {
    if (opts.sandbox) return async () => ({ ...SANDBOX_CREDENTIALS });
    const providers = await opts.loader.loadCredentialProviders();
    return profile
      ? providers.fromIni({ profile, clientConfig: opts.stsClientConfig })
      : providers.fromNodeProviderChain({ clientConfig: opts.stsClientConfig });
  };

  const build = async (): Promise<CredentialProvider> => {
    const base = tagged(await baseProvider(), (err) => new CredentialResolutionError('base-credentials', opts.accountName, undefined, undefined, profile, err));
    const roleArn = opts.account.roleArn;
    if (!roleArn) return base;
    const { fromTemporaryCredentials } = await opts.loader.loadCredentialProviders();
    const assumed = fromTemporaryCredentials({
      masterCredentials: memoizeCredentials(base, opts.clock),
      params: {
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        DurationSeconds: ASSUME_ROLE_DURATION_SECONDS,
        ...(opts.account.externalId ? { ExternalId: opts.account.externalId } : {}),
      },
      clientConfig: opts.stsClientConfig,
    });
    return tagged(assumed, (err) => new CredentialResolutionError('assume-role', opts.accountName, roleArn, sessionName, profile, err));
  };

  return memoizeCredentials(async (options) => {
    chain ??= await build();
    return chain(options);
  }, opts.clock);
}
