/**
 * A tiny fake world and step kinds over it, so engine tests exercise resume, retries, waits and locks without AWS.
 * `test.ensure` creates a named thing: absent → (apply) pending → (after `readyAfterMs`) present.
 */
import { z } from 'zod';
import { STEP_KINDS } from '../../src/steps/registry.js';
import type { StepKind } from '../../src/steps/types.js';
import type { Clock } from '../../src/util/clock.js';
import type { AwsGateway } from '../../src/aws/types.js';
import type { Runbook } from '../../src/runbook/schema.js';

export interface FakeWorld {
  clock: Clock;
  things: Record<string, { state: 'pending' | 'present'; readyAt: number }>;
  mutations: string[];
  observations: string[];
  readyAfterMs: number;
  /** Errors to throw from observe, by thing name, consumed one at a time. */
  failures: Record<string, Array<Error & { retryable?: boolean }>>;
  blocked: Set<string>;
  inFlight: number;
  maxInFlight: number;
}

export function createFakeWorld(clock: Clock, readyAfterMs = 5_000): FakeWorld {
  return { clock, things: {}, mutations: [], observations: [], readyAfterMs, failures: {}, blocked: new Set(), inFlight: 0, maxInFlight: 0 };
}

let activeWorld: FakeWorld | undefined;
export function useWorld(world: FakeWorld): void {
  activeWorld = world;
}
function world(): FakeWorld {
  if (!activeWorld) throw new Error('no fake world in use');
  return activeWorld;
}

const params = z.object({ name: z.string() }).strict();
type Params = z.infer<typeof params>;

export const ensureKind: StepKind<Params, { state: 'absent' | 'pending' | 'present' }> = {
  kind: 'test.ensure',
  summary: 'test: ensure a named thing exists',
  appliesTo: ['any'],
  params,
  describe: (p) => `ensure ${p.name}`,
  calls: (p) => [{ service: 'efs', operation: 'CreateReplicationConfiguration', account: 'a', region: 'us-east-1', params: { name: p.name } }],
  sides: () => ['secondary'],
  async observe(_ctx, p) {
    const w = world();
    w.observations.push(p.name);
    const failure = w.failures[p.name]?.shift();
    if (failure) throw failure;
    const thing = w.things[p.name];
    if (thing?.state === 'pending' && w.clock.now() >= thing.readyAt) thing.state = 'present';
    return { state: thing?.state ?? 'absent' };
  },
  decide(obs, p) {
    if (world().blocked.has(p.name)) return { state: 'blocked', reason: `${p.name} is unsafe`, hint: 'use --force' };
    if (obs.state === 'present') return { state: 'done', reason: `${p.name} exists`, outputs: { name: p.name } };
    if (obs.state === 'pending') return { state: 'waiting', reason: `${p.name} is being created` };
    return { state: 'apply', phase: 'create', reason: `create ${p.name}`, calls: [] };
  },
  async apply(_ctx, p) {
    const w = world();
    w.inFlight += 1;
    w.maxInFlight = Math.max(w.maxInFlight, w.inFlight);
    await w.clock.sleep(1);
    w.inFlight -= 1;
    w.mutations.push(p.name);
    w.things[p.name] = { state: 'pending', readyAt: w.clock.now() + w.readyAfterMs };
  },
  wait: { timeoutMs: 60_000, pollMs: 1_000 },
};

export function registerFakeKinds(): void {
  if (!STEP_KINDS.includes(ensureKind)) STEP_KINDS.push(ensureKind);
}

/** A runbook of `resources` EFS-typed resources whose failover is a list of test.ensure steps. */
export function fakeRunbook(resources: string[], steps: string[] = ['one', 'two', 'three'], extra: Array<Record<string, unknown>> = []): Runbook {
  const filesystems: Record<string, unknown> = {};
  for (const name of resources) {
    filesystems[name] = {
      type: 'efs',
      primary: { account: 'prod', fileSystemId: 'fs-0123456789abcdef0' },
      secondary: { account: 'dr', fileSystemId: 'fs-0fedcba9876543210' },
      replication: {},
      rpo: '15m',
      rto: '1h',
      mountTargets: { minAvailabilityZones: 2 },
      failover: [...steps.map((s) => ({ id: s, uses: 'test.ensure', with: { name: `${name}-${s}` } })), ...extra],
      failback: [{ id: 'back', uses: 'test.ensure', with: { name: `${name}-back` } }],
    };
  }
  return {
    version: 1,
    accounts: {
      prod: { id: '111111111111', region: 'us-east-1' },
      dr: { id: '222222222222', region: 'us-west-2' },
    },
    filesystems,
    settings: { parallel: 8, pollInterval: '15s' },
  } as unknown as Runbook;
}

export function fakeGateway(): AwsGateway {
  const verified: Array<{ account: string; accountId: string; arn: string; userId: string }> = [];
  return {
    call: async () => {
      throw new Error('fake gateway: no AWS here');
    },
    verifyIdentity: async (account) => {
      const id = { account, accountId: account === 'prod' ? '111111111111' : '222222222222', arn: `arn:aws:sts::x:assumed-role/drctl/${account}`, userId: 'AROA:drctl' };
      verified.push(id);
      return id;
    },
    identities: () => verified,
  };
}
