/**
 * Exit code 2: bad arguments or an invalid runbook. The message names the wrong value and the way out, there is
 * no stack trace, and nothing is written (no `.drctl/`), even with --sandbox. The cases are independent and run
 * concurrently in one workspace.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, createWorkspace, describeResult } from '../helpers/spawn-drctl.js';
import type { DrctlResult, Workspace } from '../helpers/spawn-drctl.js';

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  await mkdir(ws.path('broken'));
  for (const fixture of ['unknown-key.yaml', 'bad-region.yaml']) {
    await cp(`${REPO_ROOT}/test/fixtures/runbooks/invalid/${fixture}`, ws.path('broken', fixture));
  }
});
afterAll(async () => ws.remove());

async function expectInvalidInput(args: string[]): Promise<DrctlResult> {
  const result = await ws.run(args);
  expect(result.code, describeResult(result)).toBe(2);
  // Expected errors are explained, never dumped.
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error|this is a bug/i);
  expect(result.stdout).toBe('');
  expect(existsSync(ws.path('.drctl'))).toBe(false);
  return result;
}

describe.concurrent('invalid input exits 2 and writes nothing', () => {
  it('an unknown flag: commander names it, drctl points at --help', async () => {
    const { stderr } = await expectInvalidInput(['failover', '--fs', 'efs-prod', '--sandbox', '--bogus']);
    expect(stderr).toContain("error: unknown option '--bogus'");
    expect(stderr).toContain('hint: run `drctl --help` or `drctl <command> --help`');
  });

  it('an unknown --fs: the message lists the resources the runbooks declare', async () => {
    const { stderr } = await expectInvalidInput(['failover', '--fs', 'efs-prdo', '--sandbox', '--yes']);
    expect(stderr).toContain("error [unknown-resource] no runbook declares 'efs-prdo'");
    expect(stderr).toContain('efs-prod (runbooks/efs-prod.yaml)');
  });

  it('an invalid runbook (-f): every problem as `file:line:col  code  message` with a hint', async () => {
    const { stderr } = await expectInvalidInput(['failover', '--fs', 'efs-prod', '-f', 'broken/unknown-key.yaml', '--sandbox', '--yes']);
    expect(stderr).toContain('error [invalid-runbook] 1 problem in the runbooks; nothing was run');
    expect(stderr).toContain("broken/unknown-key.yaml:19:5  unknown-key  unknown key 'replicaton' in filesystems.efs-prod");
    expect(stderr).toContain("did you mean 'replication'?");
  });

  it('`validate` on a directory reports the problems of every file at once', async () => {
    const { stderr } = await expectInvalidInput(['validate', '-f', 'broken']);
    expect(stderr).toContain('broken/bad-region.yaml:9:13  invalid-format');
    expect(stderr).toContain("'US-West-2' is not valid");
    expect(stderr).toContain('broken/unknown-key.yaml:19:5  unknown-key');
  });

  it('a missing --fs: the message says what is needed, with an example', async () => {
    const { stderr } = await expectInvalidInput(['failover', '--sandbox', '--yes']);
    expect(stderr).toContain('error [missing-fs] failover needs --fs NAME (repeatable) or --all');
    expect(stderr).toContain('drctl failover --fs efs-prod --dry-run');
  });

  it('`plan bogus`: the operations plan accepts are named', async () => {
    const { stderr } = await expectInvalidInput(['plan', 'bogus', '--fs', 'efs-prod']);
    expect(stderr).toContain("error [invalid-argument] plan takes failover or failback, not 'bogus'");
    expect(stderr).toContain('drctl plan failover --fs efs-prod');
  });
});
