/** --output json: an error that stops a command before any run starts is still one JSON event on stdout. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => ws.remove());

describe('errors before a run, with --output json', () => {
  it.each([
    [['failover', '--fs', 'nope', '--output', 'json'], 'unknown-resource', 2],
    [['failover', '--fs', 'efs-prod', '--bogus', '--output', 'json'], 'invalid-arguments', 2],
    [['failback', '--fs', 'efs-prod', '--mode', 'keep', '--output', 'json'], 'invalid-arguments', 2],
  ])('%j → one command.failed event with code %s and exit %i', async (args, code, exit) => {
    const result = await ws.run(args);
    expect(result.code, describeResult(result)).toBe(exit);
    const events = parseJsonLines(result.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'command.failed', schemaVersion: 1, code, exitCode: exit });
  });
});
