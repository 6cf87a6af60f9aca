import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { EventBus } from '../../src/engine/events.js';
import type { RunEvent } from '../../src/engine/events.js';
import { runOperation } from '../../src/engine/run.js';
import type { RunRequest } from '../../src/engine/run.js';
import { stateDirAt } from '../../src/engine/state-dir.js';
import { readAllCheckpoints, readCheckpoint } from '../../src/engine/checkpoint.js';
import { acquireLock } from '../../src/engine/lock.js';
import { LockError } from '../../src/errors.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { createFakeWorld, fakeGateway, fakeRunbook, registerFakeKinds, useWorld } from '../helpers/fake-kinds.js';
import type { FakeWorld } from '../helpers/fake-kinds.js';

let dir: string;
let clock: FakeClock;
let world: FakeWorld;

beforeAll(() => registerFakeKinds());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drctl-engine-'));
  clock = new FakeClock();
  world = createFakeWorld(clock);
  useWorld(world);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function request(runbook: Runbook, overrides: Partial<RunRequest> = {}, events: RunEvent[] = []): RunRequest {
  const bus = new EventBus('pending', () => clock.now());
  bus.subscribe((e) => events.push(e));
  return {
    operation: 'failover',
    runbook,
    runbookName: 'test',
    runbookFile: 'runbooks/test.yaml',
    digest: 'digest-1',
    resources: Object.keys(runbook.filesystems),
    flags: { dryRun: false, yes: true, force: false, primaryUnavailable: false, mode: 'preserve', approve: [], pollScale: 1 },
    parallel: 8,
    newRun: false,
    stateDir: stateDirAt(dir),
    clock,
    prompter: { interactive: false, user: 'tester', confirm: async () => false },
    bus,
    signal: new AbortController().signal,
    actor: { user: 'tester', host: 'test-host', pid: process.pid },
    createGateway: async () => fakeGateway(),
    random: () => 0.5,
    ...overrides,
  };
}

describe('runOperation', () => {
  it('runs every step in order, waits for each to complete, and checkpoints success', async () => {
    const events: RunEvent[] = [];
    const outcome = await runOperation(request(fakeRunbook(['fs-a']), {}, events));
    expect(outcome.exitCode).toBe(0);
    expect(world.mutations).toEqual(['fs-a-one', 'fs-a-two', 'fs-a-three']);
    const checkpoint = await readCheckpoint(stateDirAt(dir), outcome.runId);
    expect(checkpoint?.status).toBe('succeeded');
    expect(checkpoint?.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    const done = events.filter((e) => e.type === 'step.done').map((e) => (e.type === 'step.done' ? e.key : ''));
    expect(done).toEqual(['fs-a/one', 'fs-a/two', 'fs-a/three']);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded', exitCode: 0 });
  });

  it('writes every event to the run journal', async () => {
    const outcome = await runOperation(request(fakeRunbook(['fs-a'], ['one'])));
    const lines = (await readFile(stateDirAt(dir).journalFile(outcome.runId), 'utf8')).trim().split('\n');
    const types = lines.map((l) => (JSON.parse(l) as RunEvent).type);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('identity.verified');
    expect(types.at(-1)).toBe('run.finished');
  });

  it('skips steps whose desired state already holds, without mutating', async () => {
    await runOperation(request(fakeRunbook(['fs-a'])));
    world.mutations.length = 0;
    const events: RunEvent[] = [];
    const outcome = await runOperation(request(fakeRunbook(['fs-a']), {}, events));
    expect(outcome.exitCode).toBe(0);
    expect(world.mutations).toEqual([]);
    expect(events.filter((e) => e.type === 'step.done').every((e) => e.type === 'step.done' && e.skipped)).toBe(true);
  });

  it.each([0, 1, 2])('resumes after an interruption following step %i, repeating no mutation', async (stopAfter) => {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const req = request(fakeRunbook(['fs-a']), { signal: controller.signal }, events);
    req.bus.subscribe((e) => {
      if (e.type === 'step.done' && e.key === ['fs-a/one', 'fs-a/two', 'fs-a/three'][stopAfter]) controller.abort(new Error('interrupted'));
    });
    const first = await runOperation(req);
    const expectedExit = stopAfter === 2 ? 0 : 130;
    expect(first.exitCode).toBe(expectedExit);
    const second = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(second.exitCode).toBe(0);
    if (stopAfter < 2) {
      expect(second.runId).toBe(first.runId);
      expect(second.resumed).toBe(true);
    }
    expect(world.mutations).toEqual(['fs-a-one', 'fs-a-two', 'fs-a-three']);
  });

  it('interrupted while waiting: the checkpoint keeps the applied phase and the resumed run does not apply again', async () => {
    const controller = new AbortController();
    const req = request(fakeRunbook(['fs-a'], ['one']), { signal: controller.signal });
    req.bus.subscribe((e) => {
      if (e.type === 'step.waiting') controller.abort(new Error('interrupted'));
    });
    const first = await runOperation(req);
    expect(first.exitCode).toBe(130);
    const saved = await readCheckpoint(stateDirAt(dir), first.runId);
    expect(saved?.status).toBe('interrupted');
    expect(saved?.steps[0]?.applied.map((a) => a.phase)).toEqual(['create']);
    const second = await runOperation(request(fakeRunbook(['fs-a'], ['one'])));
    expect(second.exitCode).toBe(0);
    expect(world.mutations).toEqual(['fs-a-one']);
  });

  it('retries a retryable error and succeeds', async () => {
    world.failures['fs-a-one'] = [Object.assign(new Error('Throttling'), { retryable: true })];
    const events: RunEvent[] = [];
    const outcome = await runOperation(request(fakeRunbook(['fs-a'], ['one']), {}, events));
    expect(outcome.exitCode).toBe(0);
    expect(events.some((e) => e.type === 'step.retrying')).toBe(true);
    expect(outcome.checkpoint?.steps[0]?.attempts).toBe(2);
  });

  it('fails on a non-retryable error (exit 1) and resumes at that step on the next run', async () => {
    world.failures['fs-a-two'] = [new Error('AccessDenied')];
    const first = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(first.exitCode).toBe(1);
    expect(first.checkpoint?.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending']);
    world.observations.length = 0;
    const second = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(second.exitCode).toBe(0);
    expect(second.runId).toBe(first.runId);
    expect(world.observations[0]).toBe('fs-a-two');
    expect(world.mutations).toEqual(['fs-a-one', 'fs-a-two', 'fs-a-three']);
  });

  it('refuses with exit 3 when a step is blocked by a safety check', async () => {
    world.blocked.add('fs-a-two');
    const outcome = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(outcome.exitCode).toBe(3);
    expect(outcome.status).toBe('refused');
    expect(world.mutations).toEqual(['fs-a-one']);
  });

  it('fails a wait that exceeds its timeout with exit 1', async () => {
    world.readyAfterMs = 10 * 60_000;
    const outcome = await runOperation(request(fakeRunbook(['fs-a'], ['one'])));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.failures[0]?.error.code).toBe('wait-timeout');
  });

  it('a wait that times out because AWS no longer shows an applied phase says so and points to --new-run, not to resuming', async () => {
    const req = request(fakeRunbook(['fs-a'], ['one']));
    // The change drctl made is undone behind its back: the step asks for the same phase again, which is never re-sent.
    req.bus.subscribe((e) => {
      if (e.type === 'step.waiting') delete world.things['fs-a-one'];
    });
    const outcome = await runOperation(req);
    expect(outcome.exitCode).toBe(1);
    const error = outcome.failures[0]?.error;
    expect(error?.code).toBe('wait-timeout');
    expect(error?.hint).toContain("already applied 'create'");
    expect(error?.hint).toContain('drctl failover --fs fs-a --new-run');
    expect(world.mutations).toEqual(['fs-a-one']);
  });

  it('refuses a second run while the lock is held, naming the holder (exit 4)', async () => {
    await acquireLock(stateDirAt(dir), { user: 'alice', host: 'ops-1', pid: 4242, runId: 'r-1', operation: 'failover', runbook: 'test', since: '2026-01-01T00:00:00Z' }, ['fs-a']);
    const err = await runOperation(request(fakeRunbook(['fs-a']))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).exitCode).toBe(4);
    expect((err as LockError).message).toContain('alice@ops-1 (pid 4242), run r-1');
    expect((err as LockError).hint).toContain('drctl unlock --fs fs-a --force');
    expect(world.mutations).toEqual([]);
  });

  it('refuses to resume a run whose runbook changed (exit 4), and --new-run starts over', async () => {
    world.failures['fs-a-two'] = [new Error('boom')];
    const first = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(first.exitCode).toBe(1);
    const err = await runOperation(request(fakeRunbook(['fs-a']), { digest: 'digest-2' })).catch((e: unknown) => e);
    expect((err as LockError).code).toBe('stale-checkpoint');
    const fresh = await runOperation(request(fakeRunbook(['fs-a']), { digest: 'digest-2', newRun: true }));
    expect(fresh.exitCode).toBe(0);
    expect(fresh.runId).not.toBe(first.runId);
    const runs = await readAllCheckpoints(stateDirAt(dir));
    expect(runs.find((r) => r.runId === first.runId)?.status).toBe('abandoned');
  });

  it('a run that failed before changing anything blocks nobody', async () => {
    world.failures['fs-a-one'] = [new Error('AccessDenied')];
    const first = await runOperation(request(fakeRunbook(['fs-a'])));
    expect(first.exitCode).toBe(1);
    const other = await runOperation(request(fakeRunbook(['fs-a']), { operation: 'failback' }));
    expect(other.exitCode).toBe(0);
    expect(world.mutations).toEqual(['fs-a-back']);
  });

  it('refuses a different operation while another run is unfinished', async () => {
    world.failures['fs-a-two'] = [new Error('boom')];
    await runOperation(request(fakeRunbook(['fs-a'])));
    const err = await runOperation(request(fakeRunbook(['fs-a']), { operation: 'failback' })).catch((e: unknown) => e);
    expect((err as LockError).code).toBe('unfinished-run');
    expect((err as LockError).hint).toContain('drctl failover --fs fs-a');
  });

  it('dry-run observes only: no mutation, no checkpoint, planned events for every step', async () => {
    const events: RunEvent[] = [];
    const outcome = await runOperation(request(fakeRunbook(['fs-a']), { flags: { dryRun: true, yes: false, force: false, primaryUnavailable: false, mode: 'preserve', approve: [], pollScale: 1 } }, events));
    expect(outcome.exitCode).toBe(0);
    expect(world.mutations).toEqual([]);
    expect(await readAllCheckpoints(stateDirAt(dir))).toEqual([]);
    const planned = events.filter((e) => e.type === 'step.planned');
    expect(planned).toHaveLength(3);
    expect(planned[1]).toMatchObject({ afterPending: true, reason: 'after fs-a/one' });
  });

  it('dry-run stops planning on Ctrl-C and ends interrupted (exit 130), not planned', async () => {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const req = request(fakeRunbook(['fs-a', 'fs-b']), { signal: controller.signal, flags: { dryRun: true, yes: false, force: false, primaryUnavailable: false, mode: 'preserve', approve: [], pollScale: 1 } }, events);
    req.bus.subscribe((e) => {
      if (e.type === 'step.planned') controller.abort(new Error('interrupted'));
    });
    const outcome = await runOperation(req);
    expect(outcome.exitCode).toBe(130);
    expect(outcome.status).toBe('interrupted');
    expect(events.filter((e) => e.type === 'step.planned')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted', exitCode: 130 });
    expect(world.mutations).toEqual([]);
  });

  it('dry-run exits 3 when a check would refuse', async () => {
    world.blocked.add('fs-a-one');
    const outcome = await runOperation(request(fakeRunbook(['fs-a']), { flags: { dryRun: true, yes: false, force: false, primaryUnavailable: false, mode: 'preserve', approve: [], pollScale: 1 } }));
    expect(outcome.exitCode).toBe(3);
  });

  it.each([
    [1, 1],
    [2, 2],
    [4, 4],
  ])('runs independent resources in parallel under --parallel %i', async (parallel, expected) => {
    const events: RunEvent[] = [];
    const outcome = await runOperation(request(fakeRunbook(['a', 'b', 'c', 'd'], ['one']), { parallel }, events));
    expect(outcome.exitCode).toBe(0);
    let running = 0;
    let maxRunning = 0;
    for (const e of events) {
      if (e.type === 'step.started') maxRunning = Math.max(maxRunning, ++running);
      if (e.type === 'step.done') running -= 1;
    }
    expect(maxRunning).toBe(expected);
    expect(world.mutations.sort()).toEqual(['a-one', 'b-one', 'c-one', 'd-one']);
  });

  it('one failing resource does not stop the others', async () => {
    world.failures['b-one'] = [new Error('AccessDenied')];
    const outcome = await runOperation(request(fakeRunbook(['a', 'b', 'c'], ['one', 'two'])));
    expect(outcome.exitCode).toBe(1);
    expect(world.mutations.sort()).toEqual(['a-one', 'a-two', 'c-one', 'c-two']);
  });

  it('an approval step in a non-interactive run without --yes is declined (exit 5) and nothing after it runs', async () => {
    const runbook = fakeRunbook(['fs-a'], ['one'], [{ id: 'confirm', uses: 'approval', with: { message: 'go?' } }, { id: 'after', uses: 'test.ensure', with: { name: 'after' } }]);
    const flags = { dryRun: false, yes: false, force: false, primaryUnavailable: false, mode: 'preserve' as const, approve: [], pollScale: 1 };
    const outcome = await runOperation(request(runbook, { flags }));
    expect(outcome.exitCode).toBe(5);
    expect(world.mutations).toEqual(['fs-a-one']);
    const approved = await runOperation(request(runbook, { flags: { ...flags, approve: ['confirm'] } }));
    expect(approved.exitCode).toBe(0);
    expect(approved.checkpoint?.steps.find((s) => s.id === 'confirm')?.outputs).toMatchObject({ approvedBy: 'tester', approvedVia: '--approve' });
    expect(world.mutations).toEqual(['fs-a-one', 'after']);
  });
});
