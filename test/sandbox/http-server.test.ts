import { request as httpRequest } from 'node:http';
import { DescribeReplicationConfigurationsCommand, EFSClient, ReplicationNotFound } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxServer, splitTarget, parseQuery, type SandboxServer } from '../../src/sandbox/http-server.js';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { efsService } from '../../src/sandbox/services/efs/index.js';
import { stsService } from '../../src/sandbox/services/sts/index.js';
import type { SandboxService } from '../../src/sandbox/types.js';
import { BASE_ACCESS_KEY_ID, World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';
import { ACCOUNT_A, ACCOUNT_B, errorOf, REGION_A, REGION_B } from './kit.js';

const SIGNED = `AWS4-HMAC-SHA256 Credential=${BASE_ACCESS_KEY_ID}/20260101/${REGION_A}/s3/aws4_request, SignedHeaders=host, Signature=0`;

/** Test-only services (signing name s3: S3 and S3 Control) that echo what the router handed them. */
const echo = (service: 's3' | 's3control'): SandboxService => ({
  service,
  operationOf: () => 'Echo',
  handle: (request) => ({
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amz-request-id': 'echo' },
    body: JSON.stringify({ path: request.path, query: request.query, host: request.host, body: request.body.toString('utf8'), encoding: request.headers['content-encoding'] ?? null }),
  }),
  renderError: () => ({ status: 500, headers: {} }),
});

function raw(port: number, options: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.headers?.['expect'] === '100-continue') {
      req.on('continue', () => req.end(options.body));
    } else {
      req.end(options.body);
    }
  });
}

describe('sandbox HTTP server', () => {
  let world: World;
  let server: SandboxServer;
  beforeEach(async () => {
    world = new World({ clock: new FakeClock() });
    world.setBaseAccount(ACCOUNT_A);
    world.addAccount({ accountId: ACCOUNT_B, roles: [{ arn: `arn:aws:iam::${ACCOUNT_B}:role/dr` }] });
    server = await startSandboxServer({ world, port: 0, services: [efsService, stsService, echo('s3'), echo('s3control')] });
  });
  afterEach(async () => server.close());

  const sdkConfig = (region: string) => ({
    region,
    endpoint: server.url,
    credentials: { accessKeyId: BASE_ACCESS_KEY_ID, secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });

  it('serves SDK clients over real sockets on 127.0.0.1 (EFS errors, STS role chaining)', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const fs = createFileSystem(world, ACCOUNT_A, REGION_A, {});
    const error = await errorOf(new EFSClient(sdkConfig(REGION_A)).send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fs.fileSystemId })));
    expect(error).toBeInstanceOf(ReplicationNotFound);
    expect(error.$metadata?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const assumed = await new STSClient(sdkConfig(REGION_A)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_B}:role/dr`, RoleSessionName: 'http' }));
    const sts = new STSClient({
      ...sdkConfig(REGION_A),
      credentials: { accessKeyId: assumed.Credentials?.AccessKeyId ?? '', secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '', sessionToken: assumed.Credentials?.SessionToken ?? '' },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT_B);
  });

  it('accepts absolute-form request targets with an account-prefixed host (AWS CLI through HTTP_PROXY)', async () => {
    const target = `http://123456789012.127.0.0.1:${server.port}/v20180820/jobs/abc?x=1`;
    const response = await raw(server.port, { method: 'GET', path: target, headers: { authorization: SIGNED } });
    expect(response.status).toBe(200);
    const echoed = JSON.parse(response.body) as { path: string; host: string; query: Record<string, string[]> };
    expect(echoed).toMatchObject({ path: '/v20180820/jobs/abc', host: `123456789012.127.0.0.1:${server.port}`, query: { x: ['1'] } });
  });

  it('passes virtual-host S3 names through in host, and keys without = as empty values', async () => {
    const response = await raw(server.port, { method: 'GET', path: '/key.txt?versioning', headers: { authorization: SIGNED, host: `my-bucket.localhost:${server.port}` } });
    expect(JSON.parse(response.body)).toMatchObject({ host: `my-bucket.localhost:${server.port}`, path: '/key.txt', query: { versioning: [''] } });
  });

  it('answers Expect: 100-continue and decodes aws-chunked bodies before services see them', async () => {
    const chunked = '6;chunk-signature=abc\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
    const response = await raw(server.port, {
      method: 'PUT',
      path: '/bucket/key',
      headers: {
        authorization: SIGNED,
        expect: '100-continue',
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-length': String(Buffer.byteLength(chunked)),
      },
      body: chunked,
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ body: 'hello world', encoding: null });
  });

  it('destroys the socket for a region that is down: the client sees a connection error', async () => {
    world.faults.setRegionDown(REGION_B);
    const error = await errorOf(new EFSClient(sdkConfig(REGION_B)).send(new DescribeReplicationConfigurationsCommand({})));
    expect(['ECONNRESET', 'EPIPE']).toContain((error as { code?: string }).code);
    expect((await new EFSClient(sdkConfig(REGION_A)).send(new DescribeReplicationConfigurationsCommand({}))).Replications).toEqual([]);
  });

  it('rejects unsigned requests and unknown services clearly', async () => {
    const unsigned = await raw(server.port, { method: 'GET', path: '/2015-02-01/file-systems' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body).toContain('not signed');
    const unknown = await raw(server.port, {
      method: 'POST',
      path: '/',
      headers: { authorization: SIGNED.replace('/s3/', '/dynamodb/') },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('dynamodb');
  });
});

describe('request target parsing', () => {
  it('splits origin-form and absolute-form targets', () => {
    expect(splitTarget('/a/b?c=1')).toEqual({ path: '/a/b', query: 'c=1' });
    expect(splitTarget('http://1.127.0.0.1:80/x')).toEqual({ authority: '1.127.0.0.1:80', path: '/x', query: '' });
    expect(splitTarget('http://host')).toEqual({ authority: 'host', path: '/', query: '' });
  });
  it('keeps repeated keys and decodes values', () => {
    expect(parseQuery('a=1&b&a=2&c=x%20y+z')).toEqual({ a: ['1', '2'], b: [''], c: ['x y z'] });
  });
});

describe('sandbox private API over HTTP', () => {
  let server: SandboxServer;
  afterEach(async () => server.close());

  it('reports health, dumps the world, and adds, lists and clears faults', async () => {
    const world = new World({ clock: new FakeClock(1_000) });
    world.setBaseAccount(ACCOUNT_A);
    server = await startSandboxServer({ world, port: 0, services: [efsService] });
    expect(await (await fetch(`${server.url}/_sandbox/health`)).json()).toEqual({ ok: true, now: 1_000 });
    expect(((await (await fetch(`${server.url}/_sandbox/world`)).json()) as { baseAccountId: string }).baseAccountId).toBe(ACCOUNT_A);

    const added = await fetch(`${server.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'region-down', region: REGION_A }) });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };
    expect(((await (await fetch(`${server.url}/_sandbox/faults`)).json()) as { faults: Array<{ id: string }> }).faults.map((f) => f.id)).toEqual([id]);
    const down = await errorOf(new EFSClient({ region: REGION_A, endpoint: server.url, credentials: { accessKeyId: BASE_ACCESS_KEY_ID, secretAccessKey: 'x' }, maxAttempts: 1 }).send(new DescribeReplicationConfigurationsCommand({})));
    expect(['ECONNRESET', 'EPIPE']).toContain((down as { code?: string }).code);

    expect((await fetch(`${server.url}/_sandbox/faults/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(world.faults.list()).toEqual([]);

    const invalid = await fetch(`${server.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'meteor' }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toContain('Invalid fault');
    expect((await fetch(`${server.url}/_sandbox/nothing`)).status).toBe(404);
  });
});
