/**
 * Test kit for the sandbox core services (STS, EFS, CloudWatch): a World on a FakeClock and real SDK clients wired
 * to it through the InProcessHandler. Clients for an account use that account's long-lived test key, or (asRole)
 * credentials from a real sts:AssumeRole against the sandbox.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EFSClient } from '@aws-sdk/client-efs';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { InProcessHandler } from '../../src/sandbox/in-process.js';
import type { SandboxRequestRecord } from '../../src/sandbox/router.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const REGION_A = 'us-east-1';
export const REGION_B = 'eu-west-1';
const ENDPOINT = 'http://sandbox.local';

export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ClientOptions {
  /** SDK attempts (default 1 so failures surface at once; retry tests raise it). */
  maxAttempts?: number;
}

export interface CoreKit {
  world: World;
  clock: FakeClock;
  handler: InProcessHandler;
  /** Every request the router saw, in order. */
  requests: SandboxRequestRecord[];
  efs(accountId: string, region: string, options?: ClientOptions): EFSClient;
  sts(credentials: SandboxCredentials, region?: string, options?: ClientOptions): STSClient;
  cloudwatch(accountId: string, region: string, options?: ClientOptions): CloudWatchClient;
  efsWith(credentials: SandboxCredentials, region: string, options?: ClientOptions): EFSClient;
}

export const BASE_CREDENTIALS: SandboxCredentials = { accessKeyId: BASE_ACCESS_KEY_ID, secretAccessKey: BASE_SECRET_ACCESS_KEY };

/** Long-lived test keys for an account (declares the account). */
export function credentialsFor(world: World, accountId: string): SandboxCredentials {
  const accessKeyId = `AKIDCORE${accountId}`;
  if (!world.credentialsFor(accessKeyId)) {
    world.addAccount({ accountId });
    world.addCredentials({ accessKeyId, secretAccessKey: 'sandbox', accountId, arn: `arn:aws:iam::${accountId}:user/tester`, userId: `AIDA${accountId}` });
  }
  return { accessKeyId, secretAccessKey: 'sandbox' };
}

export function makeCoreKit(world?: World): CoreKit {
  const clock = (world?.clock as FakeClock | undefined) ?? new FakeClock();
  const w = world ?? new World({ clock });
  const requests: SandboxRequestRecord[] = [];
  const handler = new InProcessHandler(w, { onRequest: (r) => requests.push(r) });
  const common = (credentials: SandboxCredentials, region: string, options: ClientOptions = {}) => ({
    region,
    endpoint: ENDPOINT,
    credentials,
    requestHandler: handler,
    maxAttempts: options.maxAttempts ?? 1,
    // Retries without real waiting: the sandbox runs on a FakeClock, the SDK's backoff would use real timers.
    retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts ?? 1, 1),
  });
  return {
    world: w,
    clock,
    handler,
    requests,
    efs: (accountId, region, options) => new EFSClient(common(credentialsFor(w, accountId), region, options)),
    efsWith: (credentials, region, options) => new EFSClient(common(credentials, region, options)),
    sts: (credentials, region = REGION_A, options) => new STSClient(common(credentials, region, options)),
    cloudwatch: (accountId, region, options) => new CloudWatchClient(common(credentialsFor(w, accountId), region, options)),
  };
}

export type AwsErrorLike = Error & { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number }; [k: string]: unknown };

/** The error a promise rejects with (fails the test when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<AwsErrorLike> {
  try {
    await promise;
  } catch (error) {
    return error as AwsErrorLike;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
