/**
 * The World: everything the emulator knows, as plain JSON-serialisable data plus an injectable clock.
 *
 * - State is kept per service → account → region (`world.state(...)`), like AWS itself, so a region sees only its
 *   own records. Cross-region effects (replication) enumerate a service's states with `world.states(...)`.
 * - Nothing time-based is driven by timers: services register advance hooks that bring their state machines up to
 *   `now` lazily before each request. This works with a FakeClock (tests), the real clock, and across restarts
 *   (all timestamps are epoch milliseconds in the data).
 * - Ids and "randomness" come from seeded counters, so a scenario replays identically.
 * - `world.data` is the whole persistent state: saveWorld is JSON.stringify(world.data).
 */
import type { Clock } from '../util/clock.js';
import { FaultBook, type FaultRecord } from './faults.js';

export const WORLD_FORMAT = 'drctl-sandbox-world';
export const WORLD_VERSION = 1;

/** The account the base sandbox key belongs to unless a scenario or the runbooks say otherwise. */
export const DEFAULT_BASE_ACCOUNT_ID = '000000000000';
export const BASE_ACCESS_KEY_ID = 'AKIDSANDBOX';
export const BASE_SECRET_ACCESS_KEY = 'sandbox';

export interface RoleRecord {
  arn: string;
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId?: string;
}

export interface AccountRecord {
  accountId: string;
  /** The runbook's name for the account, for messages. */
  name?: string;
  /** Roles that can be assumed in this account, by role ARN. */
  roles: Record<string, RoleRecord>;
}

/** An access key the emulator accepts, and who it is. */
export interface CredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
  /** Principal ARN returned by GetCallerIdentity. */
  arn: string;
  userId: string;
  /** Epoch ms after which the key is rejected with ExpiredToken; absent for long-lived keys. */
  expiresAt?: number;
}

export interface WorldData {
  format: typeof WORLD_FORMAT;
  version: number;
  seed: number;
  /** Feeds newId(); persisted so ids stay unique across restarts. */
  idCounter: number;
  /** State of the seeded PRNG behind random(). */
  rngState: number;
  requestCounter: number;
  baseAccountId: string;
  accounts: Record<string, AccountRecord>;
  credentials: Record<string, CredentialRecord>;
  /** Duration overrides in milliseconds, by setting key (defaults are registered by each service). */
  settings: Record<string, number>;
  faults: FaultRecord[];
  faultCounter: number;
  /** service → accountId → region → that service's state. */
  services: Record<string, Record<string, Record<string, unknown>>>;
  /** The last `now` advance hooks ran for (epoch ms). */
  lastAdvancedAt: number;
}

export interface WorldOptions {
  clock: Clock;
  seed?: number;
  baseAccountId?: string;
}

export interface AdvanceOptions {
  /**
   * Set when something that time-driven state depends on is about to change (a fault, a setting): hooks that
   * evaluate steady state lazily must bring *everything* up to `now` first. Otherwise hooks may do only pending work.
   */
  full: boolean;
}

/**
 * Brings a service's time-driven state up to `now`. Must be idempotent (it can run many times for one `now`) and
 * cheap when nothing is pending: it runs before every request.
 */
export type AdvanceHook = (world: World, now: number, options: AdvanceOptions) => void;

const advanceHooks = new Map<string, AdvanceHook>();
const settingDefaults = new Map<string, { ms: number; description: string }>();

/**
 * Registers a service's advance hook (once per name; re-registering replaces it). Service modules call this at
 * import time, so importing a service is enough for its state machines to progress.
 */
export function registerAdvanceHook(name: string, hook: AdvanceHook): void {
  advanceHooks.set(name, hook);
}

/** Declares duration settings with their defaults (ms). Keys are namespaced by service, e.g. `efs.enabling`. */
export function defineSettings(defaults: Record<string, { ms: number; description: string }>): void {
  for (const [key, value] of Object.entries(defaults)) settingDefaults.set(key, value);
}

/** Every declared setting with its default, for docs and scenario validation. */
export function listSettings(): Array<{ key: string; defaultMs: number; description: string }> {
  return [...settingDefaults.entries()].map(([key, v]) => ({ key, defaultMs: v.ms, description: v.description }));
}

export function emptyWorldData(seed = 1, baseAccountId = DEFAULT_BASE_ACCOUNT_ID): WorldData {
  return {
    format: WORLD_FORMAT,
    version: WORLD_VERSION,
    seed,
    idCounter: 0,
    rngState: seed >>> 0 || 1,
    requestCounter: 0,
    baseAccountId,
    accounts: {},
    credentials: {},
    settings: {},
    faults: [],
    faultCounter: 0,
    services: {},
    lastAdvancedAt: 0,
  };
}

export class World {
  readonly clock: Clock;
  readonly data: WorldData;
  readonly faults: FaultBook;

  constructor(options: WorldOptions, data?: WorldData) {
    this.clock = options.clock;
    this.data = data ?? emptyWorldData(options.seed ?? 1, options.baseAccountId ?? DEFAULT_BASE_ACCOUNT_ID);
    this.faults = new FaultBook(this.data, () => this.random(), () => this.advance(this.now(), { full: true }));
    this.ensureBaseCredentials();
  }

  now(): number {
    return this.clock.now();
  }

  // ---- per-service state -------------------------------------------------------------------------------------

  /** The state of `service` in one account and region, created with `init()` on first use. */
  state<T>(service: string, accountId: string, region: string, init: () => T): T {
    const byAccount = (this.data.services[service] ??= {});
    const byRegion = (byAccount[accountId] ??= {});
    if (!(region in byRegion)) byRegion[region] = init();
    return byRegion[region] as T;
  }

  /** The state if it exists, without creating it. */
  peekState<T>(service: string, accountId: string, region: string): T | undefined {
    return this.data.services[service]?.[accountId]?.[region] as T | undefined;
  }

  /** Every existing state of `service`, across accounts and regions (for cross-region effects). */
  states<T>(service: string): Array<{ accountId: string; region: string; state: T }> {
    const out: Array<{ accountId: string; region: string; state: T }> = [];
    for (const [accountId, byRegion] of Object.entries(this.data.services[service] ?? {})) {
      for (const [region, state] of Object.entries(byRegion)) out.push({ accountId, region, state: state as T });
    }
    return out;
  }

  // ---- time ---------------------------------------------------------------------------------------------------

  /** Runs every advance hook for the current time. Called by the router before each request. */
  advance(now = this.now(), options: AdvanceOptions = { full: false }): void {
    for (const hook of advanceHooks.values()) hook(this, now, options);
    this.data.lastAdvancedAt = Math.max(this.data.lastAdvancedAt, now);
  }

  // ---- settings -----------------------------------------------------------------------------------------------

  /** A duration setting in ms: the scenario's override, else the registered default. */
  duration(key: string): number {
    const override = this.data.settings[key];
    if (override !== undefined) return override;
    const fallback = settingDefaults.get(key);
    if (!fallback) throw new Error(`sandbox setting '${key}' is not declared (defineSettings)`);
    return fallback.ms;
  }

  setDuration(key: string, ms: number): void {
    this.advance(this.now(), { full: true });
    this.data.settings[key] = ms;
  }

  // ---- ids and randomness -------------------------------------------------------------------------------------

  /** A new deterministic id: `prefix` + `length` lowercase hex digits, unique within this world. */
  newId(prefix: string, length = 17): string {
    this.data.idCounter += 1;
    return prefix + hexFromCounter(this.data.seed, this.data.idCounter, length);
  }

  /** A deterministic number in [0, 1) from the world's seeded PRNG (mulberry32). */
  random(): number {
    let t = (this.data.rngState = (this.data.rngState + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A request id in the shape AWS uses (UUID-like), deterministic per world. */
  newRequestId(): string {
    this.data.requestCounter += 1;
    const hex = hexFromCounter(this.data.seed ^ 0x5a5a, this.data.requestCounter, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  // ---- accounts, roles, credentials ---------------------------------------------------------------------------

  get baseAccountId(): string {
    return this.data.baseAccountId;
  }

  /** Makes `accountId` the account of the base key (AKIDSANDBOX). */
  setBaseAccount(accountId: string): void {
    this.data.baseAccountId = accountId;
    this.addAccount({ accountId });
    this.ensureBaseCredentials(true);
  }

  /** Declares an account (merging roles into an existing one). */
  addAccount(account: { accountId: string; name?: string; roles?: RoleRecord[] }): AccountRecord {
    const record = (this.data.accounts[account.accountId] ??= { accountId: account.accountId, roles: {} });
    if (account.name && !record.name) record.name = account.name;
    for (const role of account.roles ?? []) record.roles[role.arn] = { ...role };
    return record;
  }

  account(accountId: string): AccountRecord | undefined {
    return this.data.accounts[accountId];
  }

  /** The declared role and its account, or undefined when no declared account has it. */
  findRole(roleArn: string): { account: AccountRecord; role: RoleRecord } | undefined {
    const accountId = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
    const account = accountId ? this.data.accounts[accountId] : undefined;
    const role = account?.roles[roleArn];
    return account && role ? { account, role } : undefined;
  }

  addCredentials(record: CredentialRecord): void {
    this.data.credentials[record.accessKeyId] = record;
  }

  credentialsFor(accessKeyId: string): CredentialRecord | undefined {
    return this.data.credentials[accessKeyId];
  }

  private ensureBaseCredentials(replace = false): void {
    if (this.data.credentials[BASE_ACCESS_KEY_ID] && !replace) return;
    const accountId = this.data.baseAccountId;
    this.data.accounts[accountId] ??= { accountId, roles: {} };
    this.data.credentials[BASE_ACCESS_KEY_ID] = {
      accessKeyId: BASE_ACCESS_KEY_ID,
      secretAccessKey: BASE_SECRET_ACCESS_KEY,
      accountId,
      arn: `arn:aws:iam::${accountId}:user/sandbox`,
      userId: 'AIDASANDBOXUSER00000',
    };
  }
}

/** `length` hex digits derived from (seed, counter) by a 32-bit mix, repeated as needed. Stable across versions. */
function hexFromCounter(seed: number, counter: number, length: number): string {
  let out = '';
  let block = 0;
  while (out.length < length) {
    let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(counter, 0xc2b2ae35) ^ Math.imul(block + 1, 0x27d4eb2f)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b) >>> 0;
    h ^= h >>> 16;
    out += (h >>> 0).toString(16).padStart(8, '0');
    block += 1;
  }
  // The counter is folded into a fixed-width tail so two ids never collide even if the mix did.
  const tail = counter.toString(16).padStart(6, '0');
  if (tail.length >= length) return tail.slice(-length);
  return out.slice(0, length - tail.length) + tail;
}
