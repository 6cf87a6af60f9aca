/**
 * Reads who signed a request and for which region/service from SigV4, without verifying the signature: the sandbox
 * trusts the access key (documented in docs/sandbox.md) but needs the credential scope to route and to find the
 * calling account.
 */
import type { SandboxRequest } from '../types.js';

export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  /** The signing name: elasticfilesystem, fsx, s3 (also S3 Control), sts, monitoring. */
  signingName: string;
  /** The `x-amz-security-token` sent with temporary credentials. */
  sessionToken?: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/** The credential scope from the Authorization header or a presigned URL's X-Amz-Credential; undefined if absent. */
export function parseCredentialScope(request: SandboxRequest): CredentialScope | undefined {
  const header = request.headers['authorization'];
  let match = header ? CREDENTIAL.exec(header) : null;
  if (!match) {
    const presigned = request.query['X-Amz-Credential']?.[0];
    if (presigned) match = CREDENTIAL.exec(`Credential=${presigned}`);
  }
  if (!match) return undefined;
  const [, accessKeyId = '', date = '', region = '', signingName = ''] = match;
  const sessionToken = request.headers['x-amz-security-token'] ?? request.query['X-Amz-Security-Token']?.[0];
  return { accessKeyId, date, region, signingName, ...(sessionToken ? { sessionToken } : {}) };
}

/** The SDK attempt number from `amz-sdk-request: attempt=N; max=M` (1 when absent). */
export function sdkAttempt(request: SandboxRequest): number {
  const match = /attempt=(\d+)/.exec(request.headers['amz-sdk-request'] ?? '');
  return match ? Number(match[1]) : 1;
}
