import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/aws/clients.js';
import { defaultSdkLoader } from '../../src/aws/sdk-loader.js';
import type { SdkLoader } from '../../src/aws/sdk-loader.js';
import type { ServiceName } from '../../src/aws/operations.js';
import { FakeClock } from '../../src/util/clock.js';
import { EFS_SECONDARY_ID, testRunbook } from '../helpers/step-context.js';
import { FakeAws } from './fake-aws.js';

function spyLoader(): SdkLoader & { loads: string[] } {
  const loads: string[] = [];
  return {
    loads,
    loadService(service: ServiceName) {
      loads.push(service);
      return defaultSdkLoader.loadService(service);
    },
    loadCredentialProviders() {
      loads.push('credential-providers');
      return defaultSdkLoader.loadCredentialProviders();
    },
  };
}

describe('lazy SDK loading', () => {
  it('loads nothing when the gateway is built, and only what the first call needs', async () => {
    const loader = spyLoader();
    const fake = new FakeAws({ efs: () => ({ status: 200, body: { FileSystems: [] } }) });
    const gw = createAwsGateway({ runbook: testRunbook(), runId: 'r', clock: new FakeClock(), dryRun: false, sandbox: { requestHandler: fake }, sdkLoader: loader });
    expect(loader.loads).toEqual([]);
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    // The account assumes a role, so the credential providers are needed too; nothing else (no S3, FSx...).
    expect([...new Set(loader.loads)].sort()).toEqual(['credential-providers', 'efs']);
  });

  it('keeps SDK values out of static imports in src/aws (only `import type` and import())', () => {
    const dir = join(import.meta.dirname, '../../src/aws');
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const line of text.split('\n')) {
        if (/^\s*import\s+(?!type\b)[^('"]*from\s+['"]@(aws-sdk|smithy)\//.test(line)) offenders.push(`${file}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
