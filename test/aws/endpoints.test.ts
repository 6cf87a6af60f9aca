/**
 * Production mode (no sandbox option) against a loopback endpoint given only through AWS_ENDPOINT_URL: the
 * service clients and the nested STS client used for AssumeRole must both honour it, with base credentials from
 * the standard chain (here: environment variables).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { FakeClock } from '../../src/util/clock.js';
import { EFS_SECONDARY_ID, SECONDARY_ACCOUNT_ID, testRunbook } from '../helpers/step-context.js';
import { FakeAws } from './fake-aws.js';

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];

describe('endpoint overrides from the environment', () => {
  const saved: Record<string, string | undefined> = {};
  let close: () => Promise<void> = async () => {};
  beforeEach(() => {
    for (const key of ENV_KEYS) saved[key] = process.env[key];
  });
  afterEach(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await close();
  });

  it('sends AssumeRole and the service call to AWS_ENDPOINT_URL', async () => {
    const fake = new FakeAws({ baseAccountId: '999999999999', efs: () => ({ status: 200, body: { FileSystems: [] } }) });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        void fake
          .handle({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: Buffer.concat(chunks) })
          .then(async ({ response }) => {
            const body: Buffer[] = [];
            for await (const chunk of response.body) body.push(Buffer.from(chunk as Buffer));
            res.writeHead(response.statusCode, response.headers);
            res.end(Buffer.concat(body));
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;

    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENVTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = '/nonexistent/drctl-test-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/drctl-test-credentials';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;

    const gw = createAwsGateway({ runbook: testRunbook(), runId: 'env-run', clock: new FakeClock(Date.now()), dryRun: false, maxAttempts: 1 });
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    const identity = await gw.verifyIdentity('dr');
    gw.destroy();

    const assume = fake.requests.find((r) => r.form.Action === 'AssumeRole');
    expect(assume?.accessKeyId).toBe('AKIDENVTEST');
    expect(assume?.form.RoleSessionName).toBe('drctl-env-run');
    expect(assume?.headers.authorization).toContain('/us-west-2/sts/');
    expect(fake.requestsTo('elasticfilesystem')[0]?.accessKeyId).toMatch(/^ASIA/);
    expect(identity.accountId).toBe(SECONDARY_ACCOUNT_ID);
  });

  it('explains missing base credentials with the account it needed them for, before sending anything', async () => {
    for (const key of ENV_KEYS) delete process.env[key];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = '/nonexistent/drctl-test-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/drctl-test-credentials';
    const gw = createAwsGateway({ runbook: testRunbook(), runId: 'no-creds', clock: new FakeClock(Date.now()), dryRun: false, maxAttempts: 1 });
    const err = await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID }).catch((e: unknown) => e);
    gw.destroy();
    expect(err).toBeInstanceOf(AwsCallError);
    const e = err as AwsCallError;
    expect(e.code).toBe('aws-credentials');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`account dr (${SECONDARY_ACCOUNT_ID}) us-west-2`);
    expect(e.message).toContain('no usable base credentials from the standard chain');
    expect(e.hint).toContain('aws sso login');
  });
});
