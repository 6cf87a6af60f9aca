/**
 * Harness for whole-runbook tests: the engine (`runOperation`) running a runbook file against the in-process
 * sandbox, exactly as `drctl failover --sandbox` does, but on virtual time and with a request log.
 *
 *   const h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' });
 *   const failover = await h.run('failover');
 *   expect(failover.outcome.exitCode).toBe(0);
 *   expect(h.mutatingRequests().map((r) => r.operation)).toEqual(['DeleteReplicationConfiguration']);
 *   await h.close();
 *
 * - One FakeClock drives the world and the engine. It starts at the real time, so what the SDK reads from
 *   Date.now() (signing times, credential checks) starts out agreeing with the world.
 * - Every request the sandbox answers is recorded with the router's record (service, operation, account,
 *   region, SDK attempt, status, error code) plus the method, path, query and body, so a test can tell which
 *   mutations were sent, with which parameters, and whether any was sent twice.
 * - SDK retries keep their number of attempts but wait 1 ms instead of real-time backoff (seconds per
 *   throttled call), so fault tests stay fast. The engine's own retries and polls run on the FakeClock.
 * - SDK clients see credential expiry on the FakeClock too, so a run may wait hours of virtual time: assumed-role
 *   sessions are renewed as they would be in real time.
 * - The state directory is a fresh temporary directory: re-running with the same harness resumes, like the CLI.
 *
 * Nothing here is specific to a resource type: FSx, S3 and drill tests can use it with their own runbook files and
 * read their resources with `readerConfig` (test/integration/efs-expect.ts does so for EFS).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';
import { createAwsGateway } from '../../src/aws/clients.js';
import type { AwsLayerOptions, DrctlAwsGateway, SandboxConnection } from '../../src/aws/clients.js';
import { operationInfo } from '../../src/aws/operations.js';
import { defaultSdkLoader } from '../../src/aws/sdk-loader.js';
import type { CredentialProvider, CredentialProvidersModule, SdkClientConstructor, SdkLoader } from '../../src/aws/sdk-loader.js';
import { SANDBOX_POLL_SCALE } from '../../src/cli/run-context.js';
import { EventBus } from '../../src/engine/events.js';
import type { RunEvent } from '../../src/engine/events.js';
import { readMemory } from '../../src/engine/memory.js';
import { runOperation } from '../../src/engine/run.js';
import type { RunOutcome, RunRequest } from '../../src/engine/run.js';
import { stateDirAt } from '../../src/engine/state-dir.js';
import type { StateDir } from '../../src/engine/state-dir.js';
import { readRunbookFile } from '../../src/runbook/read.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { InProcessHandler } from '../../src/sandbox/in-process.js';
import type { SandboxRequestRecord } from '../../src/sandbox/router.js';
import { scenarioSchema } from '../../src/sandbox/scenario-schema.js';
import { openSandbox } from '../../src/sandbox/session.js';
import type { World } from '../../src/sandbox/world.js';
import type { Prompter, ResourceMemory, RunFlags } from '../../src/steps/types.js';
import { FakeClock } from '../../src/util/clock.js';

/** A sandbox request as the router recorded it, with what was asked. */
export interface RecordedRequest extends SandboxRequestRecord {
  method: string;
  path: string;
  query: Record<string, string[]>;
  /** The request body as text ('' when empty, '(stream)' when the SDK sent a stream). */
  body: string;
  /** True for operations drctl's catalogue marks as mutating. */
  mutating: boolean;
}

export interface SandboxRunOptions {
  /** Runbook file relative to the repository root. Default runbooks/efs-prod.yaml. */
  runbookFile?: string;
  /** A sandbox scenario (settings, faults, accounts) as written in a scenario file; applied before seeding. */
  scenario?: Record<string, unknown>;
  /** Start of virtual time (epoch ms). Default: now. */
  startAt?: number;
}

export interface RunOptions {
  /** Run this runbook instead of the loaded one (the world stays seeded from the file). */
  runbook?: Runbook;
  resources?: string[];
  flags?: Partial<RunFlags>;
  newRun?: boolean;
  prompter?: Prompter;
  /** Abort the run's signal (as Ctrl-C does) when this returns true for an event. */
  abortWhen?: (event: RunEvent) => boolean;
  /** Sees every event as it is emitted (e.g. to inject a fault at a given moment). */
  onEvent?: (event: RunEvent) => void;
  /** Where the gateway sends requests. Default: the recording in-process handler. */
  sandbox?: SandboxConnection;
}

export interface RunResult {
  outcome: RunOutcome;
  events: RunEvent[];
  /** Sandbox requests made during this run (in-process only). */
  requests: RecordedRequest[];
}

export interface ReaderConfig {
  region: string;
  endpoint: string;
  requestHandler: InProcessHandler;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export interface SandboxRun {
  clock: FakeClock;
  world: World;
  /** The runbook as loaded from the file (runs use it unless told otherwise). */
  runbook: Runbook;
  runbookName: string;
  runbookFile: string;
  digest: string;
  dir: string;
  stateDir: StateDir;
  /** The recording in-process handler (an SDK requestHandler). */
  handler: RecordingHandler;
  /** Every request the recording handler passed to the sandbox, in order. */
  requests: RecordedRequest[];
  /** A RunRequest like the CLI builds with --sandbox --yes, plus the list its events are collected into. */
  request(operation: RunRequest['operation'], options?: RunOptions): { request: RunRequest; events: RunEvent[] };
  run(operation: RunRequest['operation'], options?: RunOptions): Promise<RunResult>;
  /** Successful mutating requests (2xx), optionally only from index `since` of `requests`. */
  mutatingRequests(since?: number): RecordedRequest[];
  /** Journal events of a run, as written under the state directory. */
  journal(runId: string): Promise<RunEvent[]>;
  memory(resource: string): Promise<ResourceMemory>;
  /**
   * Settings for an SDK client that reads the world as `accountId` in `region` without showing up in the request
   * log (for assertions). Like any client it is subject to the world's faults.
   */
  readerConfig(accountId: string, region: string): ReaderConfig;
  close(): Promise<void>;
}

/** service, operation, account, region and what was asked: two mutations with the same signature did the same thing. */
export function requestSignature(r: RecordedRequest): string {
  const query = Object.keys(r.query)
    .sort()
    .map((k) => `${k}=${(r.query[k] ?? []).join(',')}`)
    .join('&');
  return `${r.service ?? '?'} ${r.operation ?? '?'} ${r.accountId ?? '?'} ${r.region ?? '?'} ${r.method} ${r.path}${query ? `?${query}` : ''} ${r.body}`;
}

type RawRequest = Pick<RecordedRequest, 'method' | 'path' | 'query' | 'body'>;

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '(stream)';
}

function rawOf(request: HttpRequest): RawRequest {
  const query: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    query[name] = value === null ? [''] : Array.isArray(value) ? [...value] : [value];
  }
  return { method: request.method.toUpperCase(), path: request.path, query, body: bodyText(request.body) };
}

/**
 * The in-process sandbox handler with a request log. The router reports each request after handling it; an
 * AsyncLocalStorage carries the SDK request into that report, so concurrent calls are never mixed up.
 */
export class RecordingHandler {
  private readonly current = new AsyncLocalStorage<RawRequest>();
  private readonly inner: InProcessHandler;

  constructor(world: World, onRecord: (record: RecordedRequest) => void) {
    this.inner = new InProcessHandler(world, {
      onRequest: (record) => {
        const raw = this.current.getStore() ?? { method: '?', path: '?', query: {}, body: '' };
        const mutating = record.service !== undefined && record.operation !== undefined && operationInfo(record.service, record.operation)?.mutating === true;
        onRecord({ ...record, ...raw, mutating });
      },
    });
  }

  get router(): InProcessHandler['router'] {
    return this.inner.router;
  }

  handle(request: HttpRequest, options?: HttpHandlerOptions): ReturnType<InProcessHandler['handle']> {
    return this.current.run(rawOf(request), () => this.inner.handle(request, options));
  }

  updateHttpClientConfig(key: string, value: unknown): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): Record<string, unknown> {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}

/**
 * An expiry the SDK reads on the virtual clock. The SDK refreshes cached credentials when
 * `expiration.getTime() - Date.now()` gets small, while the sandbox expires them on the world's FakeClock: this
 * Date reports "real now + virtual time left", so both agree however far the FakeClock has run ahead.
 */
class VirtualExpiry extends Date {
  constructor(
    private readonly expiresAt: number,
    private readonly clock: FakeClock,
  ) {
    super(expiresAt);
  }
  override getTime(): number {
    return Date.now() + (this.expiresAt - this.clock.now());
  }
  override valueOf(): number {
    return this.getTime();
  }
}

type Credentials = Awaited<ReturnType<CredentialProvider>>;

function onVirtualClock(credentials: Credentials, clock: FakeClock): Credentials {
  return credentials.expiration ? { ...credentials, expiration: new VirtualExpiry(credentials.expiration.getTime(), clock) } : credentials;
}

/** SDK client settings: same attempts, 1 ms between them; credential expiry on the virtual clock. */
function harnessClientConfig(config: Record<string, unknown> | undefined, clock: FakeClock): Record<string, unknown> {
  const attempts = typeof config?.maxAttempts === 'number' ? config.maxAttempts : 3;
  const adjusted: Record<string, unknown> = { ...config, retryStrategy: new ConfiguredRetryStrategy(attempts, 1) };
  const credentials = config?.credentials;
  if (typeof credentials === 'function') {
    const provider = credentials as CredentialProvider;
    adjusted.credentials = async (options?: Record<string, unknown>) => onVirtualClock(await provider(options), clock);
  }
  return adjusted;
}

/** The real SDK packages, with every client (and the credential providers' STS clients) adjusted for the harness. */
export function harnessSdkLoader(clock: FakeClock): SdkLoader {
  return {
    async loadService(service) {
      const module = await defaultSdkLoader.loadService(service);
      const Base = module.Client;
      const Client = class extends Base {
        constructor(config: Record<string, unknown>) {
          super(harnessClientConfig(config, clock));
        }
      } as SdkClientConstructor;
      return { Client, command: (operation) => module.command(operation) };
    },
    async loadCredentialProviders(): Promise<CredentialProvidersModule> {
      const providers = await defaultSdkLoader.loadCredentialProviders();
      return {
        fromNodeProviderChain: (init) => providers.fromNodeProviderChain(init),
        fromIni: (init) => providers.fromIni(init),
        fromTemporaryCredentials: (init) =>
          providers.fromTemporaryCredentials({ ...init, clientConfig: harnessClientConfig(init.clientConfig as Record<string, unknown> | undefined, clock) }),
      };
    },
  };
}

/** Answers every approval with yes (the engine only asks when neither --yes nor --approve covers a gate). */
const yesPrompter: Prompter = { interactive: false, user: 'tester', confirm: async () => true };

const HARNESS_KEY_PREFIX = 'AKIDHARNESS';

export async function openSandboxRun(options: SandboxRunOptions = {}): Promise<SandboxRun> {
  const runbookFile = options.runbookFile ?? 'runbooks/efs-prod.yaml';
  const loaded = await readRunbookFile(new URL(`../../${runbookFile}`, import.meta.url).pathname);
  if (!loaded.ok) throw new Error(`${runbookFile} does not validate: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const runbook = loaded.runbook;
  const clock = new FakeClock(options.startAt ?? Date.now());
  const scenario = options.scenario ? scenarioSchema.parse(options.scenario) : undefined;
  const { world } = await openSandbox({ runbooks: [runbook], clock, ...(scenario ? { scenario } : {}) });
  const requests: RecordedRequest[] = [];
  const handler = new RecordingHandler(world, (record) => requests.push(record));
  // Reads for assertions go through their own handler, so they never show up in the request log.
  const observer = new InProcessHandler(world);
  const dir = await mkdtemp(join(tmpdir(), 'drctl-sandbox-run-'));
  const stateDir = stateDirAt(join(dir, '.drctl'));
  const gateways: DrctlAwsGateway[] = [];
  const sdkLoader = harnessSdkLoader(clock);
  const runbookName = runbook.name ?? basename(runbookFile, extname(runbookFile));

  const observerCredentials = (accountId: string) => {
    const accessKeyId = `${HARNESS_KEY_PREFIX}${accountId}`;
    if (!world.credentialsFor(accessKeyId)) {
      world.addAccount({ accountId });
      world.addCredentials({ accessKeyId, secretAccessKey: 'sandbox', accountId, arn: `arn:aws:iam::${accountId}:user/harness`, userId: `AIDAHARNESS${accountId}` });
    }
    return { accessKeyId, secretAccessKey: 'sandbox' };
  };

  const request = (operation: RunRequest['operation'], runOptions: RunOptions = {}) => {
    const events: RunEvent[] = [];
    const bus = new EventBus('pending', () => clock.now());
    bus.subscribe((event) => events.push(event));
    const controller = new AbortController();
    if (runOptions.onEvent) bus.subscribe(runOptions.onEvent);
    const abortWhen = runOptions.abortWhen;
    if (abortWhen) {
      bus.subscribe((event) => {
        if (!controller.signal.aborted && abortWhen(event)) controller.abort(new Error('interrupted'));
      });
    }
    const runRunbook = runOptions.runbook ?? runbook;
    const sandbox = runOptions.sandbox ?? { requestHandler: handler };
    const flags: RunFlags = {
      dryRun: false,
      yes: true,
      force: false,
      primaryUnavailable: false,
      mode: 'preserve',
      approve: [],
      pollScale: SANDBOX_POLL_SCALE,
      ...runOptions.flags,
    };
    const built: RunRequest = {
      operation,
      runbook: runRunbook,
      runbookName,
      runbookFile,
      digest: loaded.digest,
      resources: runOptions.resources ?? Object.keys(runRunbook.filesystems),
      flags,
      parallel: runRunbook.settings.parallel,
      newRun: runOptions.newRun ?? false,
      stateDir,
      clock,
      prompter: runOptions.prompter ?? yesPrompter,
      bus,
      signal: controller.signal,
      actor: { user: 'tester', host: 'test-host', pid: process.pid },
      env: { DRCTL_SANDBOX: 'in-process' },
      random: () => 0.5,
      createGateway: async (req) => {
        const gatewayOptions: AwsLayerOptions = {
          runbook: runRunbook,
          runId: req.runId,
          clock,
          dryRun: req.dryRun,
          deniedTargets: req.deniedTargets,
          onCall: req.onCall,
          sandbox,
          maxAttempts: 3,
          sdkLoader,
        };
        const gateway = createAwsGateway(gatewayOptions);
        gateways.push(gateway);
        return gateway;
      },
    };
    return { request: built, events };
  };

  return {
    clock,
    world,
    runbook,
    runbookName,
    runbookFile,
    digest: loaded.digest,
    dir,
    stateDir,
    handler,
    requests,
    request,
    async run(operation, runOptions) {
      const from = requests.length;
      const { request: built, events } = request(operation, runOptions);
      const outcome = await runOperation(built);
      return { outcome, events, requests: requests.slice(from) };
    },
    mutatingRequests(since = 0) {
      return requests.slice(since).filter((r) => r.mutating && typeof r.status === 'number' && r.status < 300);
    },
    async journal(runId) {
      const text = await readFile(stateDir.journalFile(runId), 'utf8');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RunEvent);
    },
    memory: (resource) => readMemory(stateDir, runbookName, resource),
    readerConfig(accountId, region) {
      return { region, endpoint: 'http://sandbox.harness.invalid', requestHandler: observer, credentials: observerCredentials(accountId), maxAttempts: 1 };
    },
    async close() {
      for (const gateway of gateways.splice(0)) gateway.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
