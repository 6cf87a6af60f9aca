/**
 * Test kit for the storage services of the sandbox (S3, S3 Control, FSx): a World on a FakeClock, sandbox
 * credentials per account, and real SDK clients wired to it through the InProcessHandler (no sockets).
 */
import { FSxClient } from '@aws-sdk/client-fsx';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { InProcessHandler } from '../../src/sandbox/in-process.js';
import { fsxService } from '../../src/sandbox/services/fsx/index.js';
import { s3Service } from '../../src/sandbox/services/s3/index.js';
import { s3ControlService } from '../../src/sandbox/services/s3control/index.js';
import { World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const REGION_A = 'us-east-1';
export const REGION_B = 'eu-west-1';

export const STORAGE_SERVICES = [s3Service, s3ControlService, fsxService];

export interface Kit {
  world: World;
  clock: FakeClock;
  handler: InProcessHandler;
  s3(accountId: string, region: string): S3Client;
  s3control(accountId: string, region: string): S3ControlClient;
  fsx(accountId: string, region: string): FSxClient;
}

/** Long-lived sandbox keys for an account (the base key belongs to the world's base account). */
export function credentialsFor(world: World, accountId: string): { accessKeyId: string; secretAccessKey: string } {
  const accessKeyId = `AKIDTEST${accountId}`;
  if (!world.credentialsFor(accessKeyId)) {
    world.addAccount({ accountId });
    world.addCredentials({ accessKeyId, secretAccessKey: 'sandbox', accountId, arn: `arn:aws:iam::${accountId}:user/tester`, userId: `AIDA${accountId}` });
  }
  return { accessKeyId, secretAccessKey: 'sandbox' };
}

export function makeKit(world?: World): Kit {
  const clock = (world?.clock as FakeClock | undefined) ?? new FakeClock();
  const w = world ?? new World({ clock });
  const handler = new InProcessHandler(w, { services: STORAGE_SERVICES });
  const common = (accountId: string, region: string) => ({
    region,
    credentials: credentialsFor(w, accountId),
    requestHandler: handler,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  });
  return {
    world: w,
    clock,
    handler,
    s3: (accountId, region) => new S3Client({ ...common(accountId, region), endpoint: 'http://127.0.0.1:4566', forcePathStyle: true }),
    s3control: (accountId, region) =>
      new S3ControlClient({ ...common(accountId, region), endpointProvider: () => ({ url: new URL('http://127.0.0.1:4566/') }) }),
    fsx: (accountId, region) => new FSxClient({ ...common(accountId, region), endpoint: 'http://127.0.0.1:4566' }),
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export type CaughtError = Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; [k: string]: unknown };

export async function errorOf(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    return error as CaughtError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Sends a hand-made request through the router, signed (scope only) as `accountId` in `region`. */
export async function rawRequest(
  kit: Kit,
  request: { method: string; path: string; query?: Record<string, string[]>; headers?: Record<string, string>; body?: string; host?: string },
  accountId: string,
  region: string,
  signingName = 's3',
) {
  const { accessKeyId } = credentialsFor(kit.world, accountId);
  return kit.handler.router.handle({
    method: request.method,
    path: request.path,
    query: request.query ?? {},
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/${signingName}/aws4_request, SignedHeaders=host, Signature=0`,
      ...(request.headers ?? {}),
    },
    host: request.host ?? '127.0.0.1:4566',
    body: Buffer.from(request.body ?? ''),
  });
}
