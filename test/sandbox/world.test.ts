import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { World, defineSettings, registerAdvanceHook } from '../../src/sandbox/world.js';

describe('World', () => {
  it('keeps state per service, account and region and enumerates it across regions', () => {
    const world = new World({ clock: new FakeClock() });
    world.state('demo', '111111111111', 'us-east-1', () => ({ n: 1 }));
    world.state('demo', '222222222222', 'eu-west-1', () => ({ n: 2 }));
    const again = world.state<{ n: number }>('demo', '111111111111', 'us-east-1', () => ({ n: 99 }));
    expect(again.n).toBe(1);
    expect(world.states<{ n: number }>('demo').map((s) => [s.accountId, s.region, s.state.n])).toEqual([
      ['111111111111', 'us-east-1', 1],
      ['222222222222', 'eu-west-1', 2],
    ]);
    expect(world.peekState('demo', '111111111111', 'eu-west-1')).toBeUndefined();
  });

  it('generates deterministic, unique ids from the seed', () => {
    const a = new World({ clock: new FakeClock(), seed: 7 });
    const b = new World({ clock: new FakeClock(), seed: 7 });
    const idsA = Array.from({ length: 500 }, () => a.newId('fs-', 17));
    const idsB = Array.from({ length: 500 }, () => b.newId('fs-', 17));
    expect(idsA).toEqual(idsB);
    expect(new Set(idsA).size).toBe(500);
    for (const id of idsA) expect(id).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(a.newId('fsmt-', 8)).toMatch(/^fsmt-[0-9a-f]{8}$/);
    expect(new World({ clock: new FakeClock(), seed: 8 }).newId('fs-')).not.toBe(idsA[0]);
  });

  it('is plain JSON: a world rebuilt from JSON.parse(JSON.stringify(data)) continues identically', () => {
    const clock = new FakeClock();
    const world = new World({ clock, seed: 3 });
    world.addAccount({ accountId: '111111111111', roles: [{ arn: 'arn:aws:iam::111111111111:role/dr', externalId: 'x1' }] });
    world.newId('fs-');
    world.random();
    const copy = new World({ clock }, JSON.parse(JSON.stringify(world.data)));
    expect(copy.newId('fs-')).toBe(world.newId('fs-'));
    expect(copy.random()).toBe(world.random());
    expect(copy.findRole('arn:aws:iam::111111111111:role/dr')?.role.externalId).toBe('x1');
  });

  it('runs registered advance hooks with the current time', () => {
    const clock = new FakeClock(1_000_000);
    const seen: number[] = [];
    registerAdvanceHook('test.world', (_w, now) => seen.push(now));
    const world = new World({ clock });
    world.advance();
    clock.advance(500);
    world.advance();
    expect(seen.slice(-2)).toEqual([1_000_000, 1_000_500]);
    expect(world.data.lastAdvancedAt).toBe(1_000_500);
    registerAdvanceHook('test.world', () => undefined);
  });

  it('resolves duration settings from overrides, then declared defaults, and rejects undeclared keys', () => {
    defineSettings({ 'test.thing': { ms: 2000, description: 'test' } });
    const world = new World({ clock: new FakeClock() });
    expect(world.duration('test.thing')).toBe(2000);
    world.setDuration('test.thing', 10);
    expect(world.duration('test.thing')).toBe(10);
    expect(() => world.duration('test.undeclared')).toThrow(/not declared/);
  });

  it('maps role ARNs to declared accounts only', () => {
    const world = new World({ clock: new FakeClock() });
    world.addAccount({ accountId: '111111111111', name: 'prod', roles: [{ arn: 'arn:aws:iam::111111111111:role/dr' }] });
    expect(world.findRole('arn:aws:iam::111111111111:role/dr')?.account.name).toBe('prod');
    expect(world.findRole('arn:aws:iam::111111111111:role/other')).toBeUndefined();
    expect(world.findRole('arn:aws:iam::999999999999:role/dr')).toBeUndefined();
  });

  it('counts down "next N" faults and draws rate faults from the seeded PRNG', () => {
    const world = new World({ clock: new FakeClock(), seed: 11 });
    world.faults.add({ kind: 'throttle', count: 2, match: { operation: 'Op' } });
    const request = { service: 'efs' as const, operation: 'Op', accountId: '1', region: 'r' };
    expect(world.faults.forRequest(request).error?.kind).toBe('throttle');
    expect(world.faults.forRequest({ ...request, operation: 'Other' }).error).toBeUndefined();
    expect(world.faults.forRequest(request).error?.kind).toBe('throttle');
    expect(world.faults.forRequest(request).error).toBeUndefined();
    expect(world.faults.list()).toHaveLength(0);

    const runs = [0, 1].map(() => {
      const w = new World({ clock: new FakeClock(), seed: 5 });
      w.faults.add({ kind: 'server-error', rate: 0.5, status: 503 });
      return Array.from({ length: 40 }, () => w.faults.forRequest(request).error?.kind ?? 'ok');
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.filter((k) => k === 'server-error').length).toBeGreaterThan(5);
    expect(runs[0]?.filter((k) => k === 'ok').length).toBeGreaterThan(5);
  });
});
