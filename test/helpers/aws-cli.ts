/**
 * The real AWS CLI against a sandbox on loopback, for wire-compatibility tests: isolated from the machine's AWS
 * settings and proxies, with the sandbox's base keys and one attempt per call. Skips are decided by `hasAwsCli`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY } from '../../src/sandbox/world.js';

const run = promisify(execFile);

export const hasAwsCli = spawnSync('sh', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;

export interface AwsCliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export async function runAwsCli(endpoint: string, region: string, args: string[], extraEnv: Record<string, string> = {}): Promise<AwsCliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(aws_|https?_proxy$|all_proxy$|no_proxy$)/i.test(k)) env[k] = v;
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: BASE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: BASE_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    NO_PROXY: '127.0.0.1,localhost',
    ...extraEnv,
  });
  try {
    const out = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, timeout: 30_000 });
    return { ...out, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
}
