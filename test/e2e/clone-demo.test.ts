/**
 * The README's promise, literally: on a fresh clone (committed files only, nothing copied), `npm ci && npm run
 * demo` installs, builds and fails efs-prod over and back on the sandbox. It downloads packages and takes minutes,
 * so it runs only when asked: `DRCTL_E2E_CLONE=1 npx vitest run test/e2e/clone-demo.test.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv } from '../helpers/spawn-drctl.js';

const CLONE_TIMEOUT_MS = 15 * 60_000;
let parent: string | undefined;

afterAll(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
});

function sh(command: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.runIf(process.env.DRCTL_E2E_CLONE === '1')('a fresh clone', () => {
  it('`npm ci && npm run demo` succeeds: failover and failback on the sandbox, exit 0', { timeout: CLONE_TIMEOUT_MS }, async () => {
    parent = await mkdtemp(join(tmpdir(), 'drctl-clone-'));
    const clone = join(parent, 'drctl');
    const cloned = await sh(`git clone --quiet ${JSON.stringify(REPO_ROOT)} ${JSON.stringify(clone)}`, parent);
    expect(cloned.code, cloned.output).toBe(0);

    const demo = await sh('npm ci && npm run demo', clone);
    expect(demo.code, demo.output.slice(-6000)).toBe(0);
    expect(demo.output).toMatch(/run \S+-failover-\S+ +succeeded +exit 0/);
    expect(demo.output).toMatch(/run \S+-failback-\S+ +succeeded +exit 0/);
    expect(existsSync(join(clone, '.drctl', 'sandbox', 'world.json'))).toBe(true);
  });
});
