/**
 * The one door to AWS: the only module that constructs SDK clients. One client per (service, account, region),
 * built on first use from a lazily imported SDK package, with that account's memoized credentials, the retry
 * budget, and — in a dry run — the read-only guard middleware. Sandbox mode differs from production only here:
 * fixed fake credentials, the emulator's endpoint or in-process request handler, path-style S3, and a fixed
 * endpoint for S3 Control (whose account-id host prefix cannot work on loopback).
 */
import type { Runbook } from '../runbook/schema.js';
import type { Clock } from '../util/clock.js';
import { InputError } from '../errors.js';
import type { AwsCallRecord, AwsGateway } from './types.js';
import type { ServiceName } from './operations.js';
import { createAccountCredentials } from './credentials.js';
import { addReadOnlyGuard } from './read-only-guard.js';
import type { CredentialProvider, SdkClient, SdkCommandConstructor, SdkLoader } from './sdk-loader.js';
import { cachingSdkLoader, defaultSdkLoader } from './sdk-loader.js';
import { Gateway } from './gateway.js';

export interface SandboxConnection {
  /** The in-process emulator: a smithy HttpHandler (`handle(request)`), given to every client and to STS. */
  requestHandler?: unknown;
  /** The HTTP emulator's URL, e.g. http://127.0.0.1:4566. */
  endpoint?: string;
}

export interface AwsLayerOptions {
  runbook: Runbook;
  runId: string;
  clock: Clock;
  /** Read-only guard on: every non-read operation is refused inside the SDK middleware stack. */
  dryRun: boolean;
  /** Base credentials profile (--profile); an account's own `profile` wins. */
  profile?: string;
  /** --primary-unavailable: calls to these accounts/regions are refused before any request is sent. */
  deniedTargets?: Array<{ account: string; region?: string }>;
  /** Journal hook: one record per AWS call (never credentials). */
  onCall?: (record: AwsCallRecord) => void;
  sandbox?: SandboxConnection;
  /** SDK attempts per call, the first included (default 3). */
  maxAttempts?: number;
  /** For tests: where SDK packages come from (default: dynamic import). */
  sdkLoader?: SdkLoader;
}

/** The gateway plus what its owner needs to tear it down. */
export interface DrctlAwsGateway extends AwsGateway {
  /** Closes every client's connections. */
  destroy(): void;
}

/** Placeholder endpoint for the in-process sandbox: requests never leave the process, the host is only a label. */
export const IN_PROCESS_SANDBOX_ENDPOINT = 'http://sandbox.drctl.invalid';

export interface ClientPool {
  client(service: ServiceName, account: string, region: string): Promise<SdkClient>;
  command(service: ServiceName, operation: string): Promise<SdkCommandConstructor | undefined>;
  /** The role drctl assumes for an account (for messages), if any. */
  roleArnOf(account: string): string | undefined;
  destroy(): void;
}

function sandboxEndpoint(sandbox: SandboxConnection): string {
  return sandbox.endpoint ?? IN_PROCESS_SANDBOX_ENDPOINT;
}

/** Settings shared by every client (and the nested STS clients of the credential providers). */
function baseClientConfig(options: AwsLayerOptions, region: string): Record<string, unknown> {
  const config: Record<string, unknown> = { region, maxAttempts: options.maxAttempts ?? 3 };
  const sandbox = options.sandbox;
  if (sandbox) {
    config.endpoint = sandboxEndpoint(sandbox);
    if (sandbox.requestHandler !== undefined) config.requestHandler = sandbox.requestHandler;
  }
  return config;
}

function serviceClientConfig(options: AwsLayerOptions, service: ServiceName, region: string, credentials: CredentialProvider): Record<string, unknown> {
  const config: Record<string, unknown> = { ...baseClientConfig(options, region), credentials, userAgentAppId: 'drctl' };
  const sandbox = options.sandbox;
  if (!sandbox) return config;
  // Checksums only where the API requires them: the emulator then never has to decode aws-chunked trailers.
  config.requestChecksumCalculation = 'WHEN_REQUIRED';
  config.responseChecksumValidation = 'WHEN_REQUIRED';
  if (service === 's3') config.forcePathStyle = true;
  if (service === 's3control') {
    // The endpoint ruleset would prefix the host with the account id (sandbox-wire-notes.md §2).
    const url = sandboxEndpoint(sandbox);
    delete config.endpoint;
    config.endpointProvider = () => ({ url: new URL(url) });
  }
  return config;
}

export function createClientPool(options: AwsLayerOptions): ClientPool {
  const loader = cachingSdkLoader(options.sdkLoader ?? defaultSdkLoader);
  const clients = new Map<string, Promise<SdkClient>>();
  const credentials = new Map<string, CredentialProvider>();

  const accountOf = (name: string) => {
    const account = options.runbook.accounts[name];
    if (!account) {
      const known = Object.keys(options.runbook.accounts).join(', ') || '(none)';
      throw new InputError('unknown-account', `account '${name}' is not declared in the runbook (declared: ${known})`, {
        hint: 'Add it under `accounts:` or fix the reference.',
      });
    }
    return account;
  };

  const credentialsFor = (accountName: string, region: string): CredentialProvider => {
    const key = `${accountName}|${region}`;
    let provider = credentials.get(key);
    if (!provider) {
      provider = createAccountCredentials({
        accountName,
        account: accountOf(accountName),
        region,
        runId: options.runId,
        ...(options.profile ? { baseProfile: options.profile } : {}),
        stsClientConfig: baseClientConfig(options, region),
        sandbox: options.sandbox !== undefined,
        clock: options.clock,
        loader,
      });
      credentials.set(key, provider);
    }
    return provider;
  };

  const build = async (service: ServiceName, accountName: string, region: string): Promise<SdkClient> => {
    const account = accountOf(accountName);
    // drctl pins its SDK versions and supports Node 20: the SDK's notice about future Node requirements would only
    // add noise to an operator's terminal, so it is silenced unless the user set the variable themselves.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { Client } = await loader.loadService(service);
    const client = new Client(serviceClientConfig(options, service, region, credentialsFor(accountName, region)));
    if (options.dryRun) addReadOnlyGuard(client, service, `account ${accountName} (${account.id}) ${region}`);
    return client;
  };

  return {
    client(service, accountName, region) {
      const key = `${service}|${accountName}|${region}`;
      let client = clients.get(key);
      if (!client) {
        client = build(service, accountName, region);
        clients.set(key, client);
        client.catch(() => clients.delete(key));
      }
      return client;
    },
    async command(service, operation) {
      return (await loader.loadService(service)).command(operation);
    },
    roleArnOf(accountName) {
      return options.runbook.accounts[accountName]?.roleArn;
    },
    destroy() {
      for (const client of clients.values()) void client.then((c) => c.destroy(), () => undefined);
      clients.clear();
    },
  };
}

/** Builds the gateway steps use (`ctx.aws`). Nothing is loaded or sent until the first call. */
export function createAwsGateway(options: AwsLayerOptions): DrctlAwsGateway {
  return new Gateway(options, createClientPool(options));
}
