/**
 * `drctl sandbox --port 0` as its own process: drctl runs against it with --sandbox-endpoint, and the final AWS
 * state is read back with an SDK client and, where installed, the real AWS CLI — both configured only from the
 * environment the sandbox prints. Ctrl-C stops the server with exit 0.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeReplicationConfigurationsCommand, EFSClient } from '@aws-sdk/client-efs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';
import { expectOneWellFormedRun } from './support/events.js';
import { startSandboxServer } from './support/sandbox-server.js';
import type { SpawnedSandbox } from './support/sandbox-server.js';

const run = promisify(execFile);
const hasAwsCli = spawnSync('sh', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;
const PRIMARY = 'fs-0123456789abcdef0';
const SECONDARY = 'fs-0fedcba9876543210';

let ws: Workspace;
let sandbox: SpawnedSandbox | undefined;

beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => {
  if (sandbox) await sandbox.stop();
  await ws.remove();
});

describe('drctl against `drctl sandbox` over HTTP', () => {
  it('prints its URL and the environment for AWS tools', async () => {
    sandbox = await startSandboxServer(ws);
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.env).toMatchObject({ AWS_ENDPOINT_URL: sandbox.url, AWS_ACCESS_KEY_ID: 'AKIDSANDBOX', AWS_SECRET_ACCESS_KEY: 'sandbox', AWS_REGION: 'us-east-1' });
    expect(sandbox.process.lines.join('\n')).toContain(`Run drctl against it with --sandbox-endpoint ${sandbox.url}`);
  });

  it('failover then failback with --sandbox-endpoint exit 0; the primary replicates to the DR copy again', async () => {
    const endpoint = sandbox?.url ?? '';
    for (const operation of ['failover', 'failback']) {
      const result = await ws.run([operation, '--fs', 'efs-prod', '--sandbox-endpoint', endpoint, '--yes', '--output', 'json']);
      expect(result.code, describeResult(result)).toBe(0);
      const { started, finished } = expectOneWellFormedRun(parseJsonLines(result.stdout));
      expect(started).toMatchObject({ operation, resumed: false });
      expect(finished).toMatchObject({ status: 'succeeded', exitCode: 0 });
    }

    const env = sandbox?.env ?? {};
    const efs = new EFSClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
      maxAttempts: 1,
    });
    const { Replications = [] } = await efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: PRIMARY }));
    efs.destroy();
    expect(Replications).toHaveLength(1);
    expect(Replications[0]).toMatchObject({ SourceFileSystemId: PRIMARY, SourceFileSystemRegion: 'us-east-1' });
    expect(Replications[0]?.Destinations).toEqual([expect.objectContaining({ FileSystemId: SECONDARY, Region: 'us-west-2', Status: 'ENABLED' })]);
    expect(Replications[0]?.Destinations?.[0]?.LastReplicatedTimestamp).toBeInstanceOf(Date);

    // The same answer through the real AWS CLI, when this machine has it.
    if (hasAwsCli) {
      const cli = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', 'efs', 'describe-replication-configurations', '--region', 'us-east-1'], {
        env: cleanEnv({ ...env, AWS_MAX_ATTEMPTS: '1' }),
        timeout: 30_000,
      });
      const answer = JSON.parse(cli.stdout) as { Replications: Array<{ SourceFileSystemId: string; Destinations: Array<{ FileSystemId: string; Status: string }> }> };
      expect(answer.Replications.map((r) => [r.SourceFileSystemId, r.Destinations.map((d) => `${d.FileSystemId} ${d.Status}`)])).toEqual([[PRIMARY, [`${SECONDARY} ENABLED`]]]);
    }
  });

  it('Ctrl-C stops the server: exit 0, "sandbox stopped."', async () => {
    const stopped = await sandbox?.stop();
    sandbox = undefined;
    expect(stopped?.code, stopped && describeResult(stopped)).toBe(0);
    expect(stopped?.stderr).toContain('sandbox stopped.');
  });
});
