/**
 * Exit code 130: Ctrl-C during a run lets the call in flight finish, saves the checkpoint as interrupted and
 * releases the lock; running the same command again resumes that run (same run id) and finishes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';
import { eventsOfType, expectOneWellFormedRun } from './support/events.js';

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  const failover = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
  expect(failover.code, describeResult(failover)).toBe(0);
});
afterAll(async () => ws.remove());

describe('Ctrl-C and resume', () => {
  it('SIGINT after the first finished step: exit 130, checkpoint interrupted; the re-run resumes the same run and exits 0', async () => {
    const args = ['failback', '--fs', 'efs-prod', '--sandbox', '--yes', '--output', 'json'];
    const run = ws.start(args);
    await run.waitForLine((line) => line.includes('"type":"step.done"'));
    run.kill('SIGINT');
    const interrupted = await run.exited;
    expect(interrupted.code, describeResult(interrupted)).toBe(130);
    expect(interrupted.stderr).toContain('Interrupted: finishing the AWS call in flight and saving the checkpoint (Ctrl-C again to quit at once)...');
    const events = parseJsonLines(interrupted.stdout);
    const { runId, finished } = expectOneWellFormedRun(events);
    expect(finished).toMatchObject({ status: 'interrupted', exitCode: 130 });
    const doneBefore = eventsOfType(events, 'step.done').map((e) => e.key);
    expect(doneBefore.length).toBeGreaterThanOrEqual(1);
    expect(doneBefore.length).toBeLessThan(7);

    const checkpoint = JSON.parse(await ws.readText('.drctl', 'runs', runId, 'checkpoint.json')) as { status: string; steps: Array<{ key: string; status: string }> };
    expect(checkpoint.status).toBe('interrupted');
    expect(checkpoint.steps.filter((s) => s.status === 'done' || s.status === 'skipped').map((s) => s.key)).toEqual(doneBefore);
    // The lock went with the run.
    await expect(ws.readText('.drctl', 'locks', 'efs-prod.lock')).rejects.toThrow(/ENOENT/);

    const resumed = await ws.run(args);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const after = parseJsonLines(resumed.stdout);
    const again = expectOneWellFormedRun(after);
    expect(again.runId).toBe(runId);
    expect(again.started).toMatchObject({ type: 'run.started', resumed: true });
    expect(again.finished).toMatchObject({ status: 'succeeded', exitCode: 0 });
    // Steps finished before the interruption are not run again.
    const startedAgain = eventsOfType(after, 'step.started').map((e) => e.key);
    for (const key of doneBefore) expect(startedAgain).not.toContain(key);
    expect(JSON.parse(await ws.readText('.drctl', 'runs', runId, 'checkpoint.json'))).toMatchObject({ status: 'succeeded' });
  });
});
