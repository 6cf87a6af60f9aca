/**
 * The contract every step kind implements (one file per kind, registered in registry.ts).
 *
 * The engine runs a step as: observe → decide → (done: skip | blocked: refuse | apply → observe/decide until done).
 * observe() makes read-only calls only; apply() is the only place a step mutates; decide() is pure.
 */
import type { z } from 'zod';
import type { AwsGateway, Target } from '../aws/types.js';
import type { ServiceName } from '../aws/operations.js';
import type { Clock } from '../util/clock.js';
import type { Runbook, Resource, Side } from '../runbook/schema.js';
import type { EventSink } from '../engine/events.js';

export type Operation = 'failover' | 'failback' | 'drill';
export type FailbackMode = 'preserve' | 'discard';

/** Values a step hands to later steps of the same run (and to reports). JSON only. */
export type Outputs = Record<string, string | number | boolean | null | string[]>;

/** One AWS call a step would make, for --dry-run plans and for IAM policy generation. */
export interface PlannedCall {
  service: ServiceName;
  operation: string;
  account: string;
  region: string;
  /** Key parameters, shown in plans. */
  params: Record<string, unknown>;
  /** Resource ARNs the call acts on, for least-privilege policies ('*' when the API has no resource scope). */
  resources?: string[];
  /** Why the call would be made (e.g. "only when the replica is still protected"). */
  note?: string;
}

export type Decision =
  /**
   * The desired state holds. `procedureDone`: the resource is already where the whole procedure leads (e.g. a
   * failback that has finished before), so the engine skips the resource's remaining steps — a re-run with
   * nothing to do exits 0 without asking or calling anything.
   */
  | { state: 'done'; reason: string; outputs?: Outputs; procedureDone?: boolean }
  /** Something is in progress (ours from an earlier attempt, or AWS's own); wait without acting. */
  | { state: 'waiting'; reason: string }
  /** Act: `phase` names the mutation so the engine never repeats the same phase while waiting for its effect. */
  | { state: 'apply'; phase: string; reason: string; calls: PlannedCall[] }
  /** A safety check refuses to go on (exit 3). */
  | { state: 'blocked'; reason: string; hint: string };

/** Flags of the run that change what steps do. */
export interface RunFlags {
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  primaryUnavailable: boolean;
  mode: FailbackMode;
  /** Step ids (or resource/step keys) pre-approved with --approve. */
  approve: string[];
  /** Sandbox runs poll faster; production polls every 15 s or so. */
  pollScale: number;
}

/** Asks a person; the CLI provides a TTY implementation, tests a scripted one. */
export interface Prompter {
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** The name recorded as approver (OS user, or as configured). */
  readonly user: string;
}

/** What a step knows about the resource it acts on and about the run. */
export interface StepContext {
  runId: string;
  operation: Operation;
  stepId: string;
  /** `<resource>/<stepId>`, unique within a run. */
  stepKey: string;
  attempt: number;
  /** Phases this step has applied so far (across resumes), with when: lets decide() time out a phase. */
  applied: ReadonlyArray<{ phase: string; at: number }>;
  runbook: Runbook;
  resourceName: string;
  resource: Resource;
  /** The account/region target of a side of the resource. */
  target(side: Side): Target & { region: string; accountId: string };
  aws: AwsGateway;
  clock: Clock;
  flags: RunFlags;
  prompter: Prompter;
  /** Outputs of this resource's earlier steps in this run, by step id. */
  outputs: Record<string, Outputs>;
  /** Facts kept about the resource across runs (e.g. the last failover's orphaned configuration). */
  memory: ResourceMemory;
  /** Records a fact in memory; persisted with the checkpoint. */
  remember(update: Partial<ResourceMemory>): void;
  /** Deterministic idempotency token: same run + step + suffix → same token; `maxLength` trims (FSx 63, S3 Control 64). */
  token(suffix?: string, maxLength?: number): string;
  events: EventSink;
  /** Detail line for humans and the journal. */
  note(message: string): void;
  signal: AbortSignal;
  /** Extra environment for exec steps and sandbox data-plane access. */
  env: Record<string, string>;
}

/** Facts about a resource that outlive one run (kept in .drctl/state/<runbook>/<resource>.json). */
export interface ResourceMemory {
  lastFailoverAt?: string;
  lastFailoverRunId?: string;
  /** The replication point accepted at promotion (ISO time of LastReplicatedTimestamp). */
  rpoPointAt?: string;
  /** Set when failover deleted only the DR side's configuration (LOCAL_CONFIGURATION_ONLY). */
  orphan?: { account: string; region: string; sourceFileSystemId: string; recordedAt: string };
  primaryUnavailableAtFailover?: boolean;
  lastFailbackAt?: string;
  [key: string]: unknown;
}

export interface DescribeContext {
  runbook: Runbook;
  resourceName: string;
  resource: Resource;
  operation: Operation;
  flags: Pick<RunFlags, 'primaryUnavailable' | 'mode' | 'force'>;
  target(side: Side): Target & { region: string; accountId: string };
}

export interface StepKind<P = unknown, O = unknown> {
  kind: string;
  /** One sentence for `drctl schema` and docs. */
  summary: string;
  /** Resource types the kind applies to ('any' for approval/exec). */
  appliesTo: ReadonlyArray<Resource['type'] | 'any'>;
  params: z.ZodType<P>;
  /** One line for plans and reports. */
  describe(p: P, ctx: DescribeContext): string;
  /** Every call the step may make, reads and writes, independent of state: drives IAM policies and plans. */
  calls(p: P, ctx: DescribeContext): PlannedCall[];
  /** Sides the step contacts; steps touching 'primary' are skipped or adapted with --primary-unavailable. */
  sides(p: P, ctx: DescribeContext): Side[];
  observe(ctx: StepContext, p: P): Promise<O>;
  decide(obs: O, p: P, ctx: StepContext): Decision;
  apply(ctx: StepContext, p: P, obs: O, phase: string): Promise<Outputs | void>;
  /**
   * A read-only check whose verdict can go stale (replication lag against the RPO): when a run is resumed, the
   * engine checks it again before going on, even though it passed in an earlier session.
   */
  recheckOnResume?: boolean;
  /**
   * Defaults for the wait after apply (the runbook's `timeout` overrides timeoutMs). Absent: the step is done
   * as soon as apply returns (approval, exec), and its outputs are what apply returned.
   */
  wait?: { timeoutMs: number; pollMs: number };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStepKind = StepKind<any, any>;
