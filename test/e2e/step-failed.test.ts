/**
 * Exit code 1: a step failed (here the operator's own `exec` step after the promotion). The message names the
 * step and the command; the AWS work already done stays done, and re-running resumes at the failed step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';

let ws: Workspace;

const PROCEDURE = `    failover:
      - id: preflight
        uses: efs.check
      - id: promote
        uses: efs.promote
      - id: remount
        uses: exec
        with:
          run: test -f remount-ready || { echo "remount script not ready" >&2; exit 7; }
`;

beforeAll(async () => {
  ws = await createWorkspace();
  const runbook = await ws.readText('runbooks', 'efs-prod.yaml');
  // Declare the failover procedure under the efs-prod resource (just before its rpo line).
  await ws.writeText('runbooks/efs-prod.yaml', runbook.replace(/^(    rpo:)/m, `${PROCEDURE}$1`));
});
afterAll(async () => ws.remove());

describe('a failed step (exit 1)', () => {
  it('stops at the failed step with exit 1, naming it and the command', async () => {
    const result = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toMatch(/efs-prod\/promote +done/);
    expect(result.stdout).toMatch(/efs-prod\/remount +failed .*exec-failed: efs-prod\/remount: command exited with 7/);
    expect(result.stdout).toContain('remount script not ready');
    expect(result.stdout).toMatch(/run \S+-failover-\S+ +failed +exit 1/);
  });

  it('re-running resumes at that step once it can succeed, without promoting again', async () => {
    await ws.writeText('remount-ready', 'yes\n');
    const result = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseJsonLines(result.stdout);
    expect(events.find((e) => e.type === 'run.started')).toMatchObject({ resumed: true });
    const applying = events.filter((e) => e.type === 'step.applying').map((e) => e.key);
    expect(applying).toEqual(['efs-prod/remount']);
  });
});
