/**
 * Test builders for step kinds: a StepContext over a small runbook (or your own, or `exampleRunbook(...)`), a FakeClock, the real AWS
 * gateway from createAwsGateway (in sandbox mode with a request handler that refuses every request, so any AWS
 * call a test did not mock with aws-sdk-client-mock fails loudly instead of reaching a network), and flags.
 *
 *   const ctx = buildStepContext({ flags: { primaryUnavailable: true } });
 *   const obs = await efsPromote.observe(ctx, params);
 *
 * `runStep` drives a kind the way the engine does (observe → decide → apply new phases → poll), for tests that
 * want the whole flow rather than one decision.
 */
import { readFileSync } from 'node:fs';
import type { AwsStub } from 'aws-sdk-client-mock';
import { createAwsGateway } from '../../src/aws/clients.js';
import type { AwsLayerOptions } from '../../src/aws/clients.js';
import type { AwsCallRecord, AwsGateway } from '../../src/aws/types.js';
import type { RunEventBody } from '../../src/engine/events.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { runbookSchema } from '../../src/runbook/schema.js';
import type { Runbook, Side } from '../../src/runbook/schema.js';
import type { AnyStepKind, Decision, Operation, Outputs, Prompter, ResourceMemory, RunFlags, StepContext } from '../../src/steps/types.js';
import { FakeClock } from '../../src/util/clock.js';

export const PRIMARY_ACCOUNT_ID = '111111111111';
export const SECONDARY_ACCOUNT_ID = '222222222222';
export const PRIMARY_REGION = 'us-east-1';
export const SECONDARY_REGION = 'us-west-2';
export const EFS_PRIMARY_ID = 'fs-0123456789abcdef0';
export const EFS_SECONDARY_ID = 'fs-0fedcba9876543210';

/** A cross-account, cross-region runbook with one EFS resource `efs-prod` (and roles, so ARNs look real). */
export function testRunbookInput(): Record<string, unknown> {
  return {
    version: 1,
    name: 'test',
    accounts: {
      prod: { id: PRIMARY_ACCOUNT_ID, region: PRIMARY_REGION, roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT_ID}:role/drctl` },
      dr: { id: SECONDARY_ACCOUNT_ID, region: SECONDARY_REGION, roleArn: `arn:aws:iam::${SECONDARY_ACCOUNT_ID}:role/drctl`, externalId: 'drctl-ext-1' },
    },
    filesystems: {
      'efs-prod': {
        type: 'efs',
        primary: { account: 'prod', fileSystemId: EFS_PRIMARY_ID },
        secondary: { account: 'dr', fileSystemId: EFS_SECONDARY_ID },
        replication: {
          roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT_ID}:role/efs-replication`,
          reverseRoleArn: `arn:aws:iam::${SECONDARY_ACCOUNT_ID}:role/efs-replication`,
        },
        rpo: '15m',
      },
    },
  };
}

/** Parses a runbook object through the real schema (defaults filled in). */
export function testRunbook(input: Record<string, unknown> = testRunbookInput()): Runbook {
  return runbookSchema.parse(input);
}

/** One of the example runbooks in runbooks/ (e.g. 'efs-prod.yaml'), loaded and validated like `drctl` does. */
export function exampleRunbook(file: string): Runbook {
  const path = new URL(`../../runbooks/${file}`, import.meta.url);
  const result = parseRunbook(readFileSync(path, 'utf8'), `runbooks/${file}`);
  if (!result.ok) throw new Error(`runbooks/${file} does not validate: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.runbook;
}

export const DEFAULT_FLAGS: RunFlags = {
  dryRun: false,
  yes: true,
  force: false,
  primaryUnavailable: false,
  mode: 'preserve',
  approve: [],
  pollScale: 1,
};

/** A request handler for the gateway that fails every request: step tests must mock what they call. */
export const refusingRequestHandler = {
  metadata: { handlerProtocol: 'http/1.1' },
  async handle(request: { method: string; path: string; headers: Record<string, string> }): Promise<never> {
    throw new Error(`unmocked AWS request in a test: ${request.method} ${request.path} (${request.headers['x-amz-target'] ?? 'no target'}); mock it with aws-sdk-client-mock`);
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
  destroy() {},
};

export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  constructor(
    private readonly answers: boolean[] = [],
    readonly interactive = false,
    readonly user = 'tester',
  ) {}
  async confirm(question: string): Promise<boolean> {
    this.asked.push(question);
    return this.answers.shift() ?? false;
  }
}

export interface StepContextOptions {
  runbook?: Runbook | Record<string, unknown>;
  resource?: string;
  stepId?: string;
  operation?: Operation;
  runId?: string;
  flags?: Partial<RunFlags>;
  clock?: FakeClock;
  memory?: ResourceMemory;
  outputs?: Record<string, Outputs>;
  applied?: Array<{ phase: string; at: number }>;
  /** Use this gateway instead of the real one. */
  aws?: AwsGateway;
  /** Extra options for the real gateway (deniedTargets default from flags.primaryUnavailable, like the engine). */
  gateway?: Partial<AwsLayerOptions>;
  prompter?: Prompter;
  env?: Record<string, string>;
}

export interface TestStepContext extends StepContext {
  clock: FakeClock;
  applied: Array<{ phase: string; at: number }>;
  /** Memory as it would be persisted: the engine's view after remember() calls (ctx.memory is the snapshot). */
  saved: ResourceMemory;
  events: { emit(event: RunEventBody): void; list: RunEventBody[] };
  notes: string[];
  /** Journal records from the gateway's onCall. */
  calls: AwsCallRecord[];
}

function isRunbook(value: Runbook | Record<string, unknown>): value is Runbook {
  return typeof (value as Runbook).settings === 'object';
}

export function buildStepContext(options: StepContextOptions = {}): TestStepContext {
  const runbook = options.runbook ? (isRunbook(options.runbook) ? options.runbook : testRunbook(options.runbook)) : testRunbook();
  const resourceName = options.resource ?? Object.keys(runbook.filesystems)[0] ?? '';
  const resource = runbook.filesystems[resourceName];
  if (!resource) throw new Error(`test runbook has no resource ${resourceName}`);
  const flags: RunFlags = { ...DEFAULT_FLAGS, ...options.flags };
  const clock = options.clock ?? new FakeClock();
  const runId = options.runId ?? '20260101T000000Z-test-abc123';
  const stepId = options.stepId ?? 'step';
  const calls: AwsCallRecord[] = [];
  const list: RunEventBody[] = [];
  const notes: string[] = [];
  const target = (side: Side) => {
    const spec = resource[side];
    const account = runbook.accounts[spec.account];
    if (!account) throw new Error(`test runbook: account ${spec.account} is not declared`);
    return { account: spec.account, region: spec.region ?? account.region, accountId: account.id };
  };
  const deniedTargets = flags.primaryUnavailable ? [{ account: resource.primary.account, region: target('primary').region }] : [];
  const aws =
    options.aws ??
    createAwsGateway({
      runbook,
      runId,
      clock,
      dryRun: flags.dryRun,
      deniedTargets,
      onCall: (record) => calls.push(record),
      sandbox: { requestHandler: refusingRequestHandler },
      maxAttempts: 1,
      ...options.gateway,
    });
  const saved: ResourceMemory = { ...options.memory };
  return {
    runId,
    operation: options.operation ?? 'failover',
    stepId,
    stepKey: `${resourceName}/${stepId}`,
    attempt: 1,
    applied: options.applied ?? [],
    runbook,
    resourceName,
    resource,
    target,
    aws,
    clock,
    flags,
    prompter: options.prompter ?? new ScriptedPrompter(),
    outputs: options.outputs ?? {},
    memory: { ...options.memory },
    saved,
    remember: (update) => Object.assign(saved, update),
    token: (suffix, maxLength = 64) => ['drctl', runId, stepId, suffix].filter(Boolean).join('-').slice(0, maxLength),
    events: {
      list,
      emit: (event) => {
        list.push(event);
        if (event.type === 'note') notes.push(event.message);
      },
    },
    note: (message) => {
      notes.push(message);
      list.push({ type: 'note', key: `${resourceName}/${stepId}`, message });
    },
    signal: new AbortController().signal,
    env: options.env ?? {},
    notes,
    calls,
  };
}

/** The region → account id map of a runbook (accounts and the sides' own regions). */
export function accountIdsByRegion(runbook: Runbook): Record<string, string> {
  const map: Record<string, string> = {};
  for (const account of Object.values(runbook.accounts)) map[account.region] ??= account.id;
  for (const resource of Object.values(runbook.filesystems)) {
    for (const side of [resource.primary, resource.secondary]) {
      const account = runbook.accounts[side.account];
      if (account && side.region) map[side.region] ??= account.id;
    }
  }
  return map;
}

/**
 * Makes a mocked STSClient answer GetCallerIdentity with the account the runbook declares for the client's
 * region (each account of the test runbook lives in its own region), so identity checks before mutations pass.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function stubCallerIdentities(sts: AwsStub<any, any, any>, runbook: Runbook = testRunbook(), overrides: Record<string, string> = {}): void {
  const byRegion = { ...accountIdsByRegion(runbook), ...overrides };
  sts.callsFake(async (_input: unknown, getClient: () => { config: { region: () => Promise<string> } }) => {
    const region = await getClient().config.region();
    const account = byRegion[region] ?? '000000000000';
    return { Account: account, Arn: `arn:aws:sts::${account}:assumed-role/drctl/test`, UserId: 'AROATEST:test', $metadata: { requestId: `sts-${region}` } };
  });
}

/** An error shaped like the SDK's service exceptions (name, message, $metadata), for mocks to reject with. */
export function awsError(name: string, options: { status?: number; requestId?: string; message?: string; fault?: 'client' | 'server' } = {}): Error {
  const err = new Error(options.message ?? `${name} (test)`) as Error & { $metadata: object; $fault: string };
  err.name = name;
  err.$fault = options.fault ?? ((options.status ?? 400) >= 500 ? 'server' : 'client');
  err.$metadata = { httpStatusCode: options.status ?? 400, requestId: options.requestId ?? 'req-test', attempts: 1, totalRetryDelay: 0 };
  return err;
}

/** A network failure as Node reports it (the region does not answer). */
export function networkError(code = 'ECONNREFUSED'): Error {
  const err = new Error(`connect ${code} 10.0.0.1:443`) as Error & { code: string };
  err.code = code;
  return err;
}

export interface StepRun {
  decisions: Decision[];
  phases: string[];
  outputs: Outputs;
  final: Decision;
}

/**
 * Drives a step like the engine: observe → decide; apply each phase once; while not done, advance the clock by
 * `pollMs` and observe again, at most `maxRounds` times. Stops at done or blocked (returned as `final`).
 */
export async function runStep(kind: AnyStepKind, ctx: TestStepContext, rawParams: unknown = {}, options: { maxRounds?: number; pollMs?: number } = {}): Promise<StepRun> {
  const params: unknown = kind.params.parse(rawParams);
  const decisions: Decision[] = [];
  const phases: string[] = [];
  const outputs: Outputs = {};
  for (let round = 0; round < (options.maxRounds ?? 20); round++) {
    const obs: unknown = await kind.observe(ctx, params);
    const decision = kind.decide(obs, params, ctx);
    decisions.push(decision);
    if (decision.state === 'done') {
      Object.assign(outputs, decision.outputs ?? {});
      return { decisions, phases, outputs, final: decision };
    }
    if (decision.state === 'blocked') return { decisions, phases, outputs, final: decision };
    if (decision.state === 'apply' && !ctx.applied.some((a) => a.phase === decision.phase)) {
      const out = await kind.apply(ctx, params, obs, decision.phase);
      ctx.applied.push({ phase: decision.phase, at: ctx.clock.now() });
      phases.push(decision.phase);
      if (out) Object.assign(outputs, out);
      if (!kind.wait) return { decisions, phases, outputs, final: decision };
    }
    ctx.clock.advance(options.pollMs ?? kind.wait?.pollMs ?? 15_000);
  }
  const final = decisions[decisions.length - 1];
  if (!final) throw new Error('runStep: no decision');
  return { decisions, phases, outputs, final };
}
