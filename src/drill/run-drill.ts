/**
 * drctl drill: a full round trip that proves recovery works and measures it — readiness (a dry-run failover),
 * a canary written on the primary, failover, verification on the DR side, failback, verification on the primary,
 * cleanup — each phase timed and recorded in `.drctl/runs/<drill id>/drill.json` beside the child runs'
 * checkpoints and journals. A drill that stops part-way is resumed by running the same command again.
 * With --dry-run it is a readiness check that changes nothing (exit 0 ready, 3 not ready).
 */
import type { DrillCheck, DrillPhase, DrillRecord } from '../report/run-report/types.js';
import { writeDrillRecord } from '../report/run-report/drill-record.js';
import { ExitCode } from '../errors.js';
import { readAllCheckpoints, readCheckpoint } from '../engine/checkpoint.js';
import type { Checkpoint } from '../engine/checkpoint.js';
import { runOperation } from '../engine/run.js';
import type { RunOutcome } from '../engine/run.js';
import { resolveTarget } from '../engine/plan.js';
import type { AwsGateway } from '../aws/types.js';
import type { Resource, Side } from '../runbook/schema.js';
import { renderDuration } from '../util/duration.js';
import { canaryRoute, lustreDrBucketCanary, resolveCanary } from './canary.js';
import type { CanaryEnvironment, CanaryStore } from './canary.js';
import { canaryTravelOf, planMeasurement } from './measure.js';
import type { CanaryTravel } from './measure.js';
import { childRunFailure, phaseFailure, stoppedRunHint } from './failures.js';
import { checkReadiness, runReadiness } from './readiness.js';
import { findUnfinishedDrill, newDrillRecord } from './records.js';
import type { DrillOutcome, DrillRequest, PhaseResult } from './types.js';

export type { DrillOutcome, DrillRequest } from './types.js';
export { readinessVerdict } from './readiness.js';

export async function runDrill(req: DrillRequest): Promise<DrillOutcome> {
  if (req.flags.dryRun) return runReadiness(req);
  const previous = req.newRun ? undefined : await findUnfinishedDrill(req);
  const sameSelection = previous && [...previous.resources].sort().join() === [...req.resources].sort().join();
  const record: DrillRecord =
    previous && sameSelection && previous.runbook.digest === req.digest
      ? { ...previous, status: 'running' }
      : newDrillRecord(req, 'drill');
  const drill = new DrillSession(req, record);
  return drill.run();
}

class DrillSession {
  private aws: AwsGateway | undefined;
  private failover: Checkpoint | undefined;
  private readonly canaryTravel = new Map<string, CanaryTravel>();
  /** Set when readiness failed because the primary region did not answer at all. */
  private unreachableRegion: string | undefined;

  constructor(
    private readonly req: DrillRequest,
    private readonly record: DrillRecord,
  ) {
    // A resumed drill does not write its canary again: keep what the earlier attempt measured.
    for (const m of record.drill.measurements) {
      const travel = canaryTravelOf(m);
      if (travel) this.canaryTravel.set(m.resource, travel);
    }
  }

  private get canaryName(): string {
    return `${this.record.runId}.txt`;
  }
  private get probeName(): string {
    return `${this.record.runId}-written-on-dr.txt`;
  }

  private async save(): Promise<void> {
    await writeDrillRecord(this.req.stateDir, this.record);
  }

  private note(message: string): void {
    this.req.bus.emit({ type: 'note', message: `drill ${this.record.runId}: ${message}` });
  }

  private check(check: DrillCheck): void {
    const checks = this.record.drill.checks.filter((c) => !(c.name === check.name && c.resource === check.resource));
    this.record.drill.checks = [...checks, check];
    this.note(`${check.ok ? 'check passed' : 'CHECK FAILED'}: ${check.name}${check.resource ? ` (${check.resource})` : ''}: ${check.detail}`);
  }

  /** Runs a phase unless an earlier attempt of this drill already finished it. */
  private async phase(name: string, body: () => Promise<PhaseResult>): Promise<PhaseResult> {
    const done = this.record.drill.phases.find((p) => p.name === name && p.outcome === 'ok');
    if (done) return { ok: true, detail: 'done in an earlier attempt' };
    const phase: DrillPhase = { name, startedAt: new Date(this.req.clock.now()).toISOString(), outcome: 'failed' };
    this.record.drill.phases = [...this.record.drill.phases.filter((p) => p.name !== name), phase];
    this.note(`phase ${name} started`);
    await this.save();
    let result: PhaseResult;
    try {
      result = await body();
    } catch (err) {
      result = phaseFailure(err);
    }
    phase.endedAt = new Date(this.req.clock.now()).toISOString();
    phase.outcome = result.ok ? 'ok' : 'failed';
    if (result.detail) phase.detail = result.detail;
    this.note(`phase ${name} ${result.ok ? 'ok' : 'failed'}${result.detail ? `: ${result.detail}` : ''}`);
    await this.save();
    return result;
  }

  private async gateway(): Promise<AwsGateway> {
    this.aws ??= await this.req.createGateway({ runId: this.record.runId, dryRun: false, deniedTargets: [], onCall: (record) => this.req.bus.emit({ type: 'aws.call', ...record }) });
    return this.aws;
  }

  private async canaryEnvironment(resource: string, spec: Resource): Promise<CanaryEnvironment> {
    const learned = (s: Side) => {
      for (const step of this.failover?.steps ?? []) {
        const id = step.resource === resource ? step.outputs[`${s}FileSystemId`] ?? (s === 'secondary' ? step.outputs.fileSystemId : undefined) : undefined;
        if (typeof id === 'string') return id;
      }
      return undefined;
    };
    return {
      aws: await this.gateway(),
      ...(this.req.sandbox ? { sandbox: this.req.sandbox } : {}),
      target: (s) => resolveTarget(this.req.runbook, spec, s),
      learnedFileSystemId: learned,
    };
  }

  private async canary(resource: string, side: Side): Promise<CanaryStore | string> {
    const spec = this.req.runbook.filesystems[resource];
    if (!spec) return `unknown resource ${resource}`;
    const resolved = resolveCanary(spec, side, await this.canaryEnvironment(resource, spec));
    return 'store' in resolved ? resolved.store : resolved.unavailable;
  }

  /**
   * Where the primary's canary is looked for before the failover: the DR side — or, for Lustre, the DR bucket the
   * failover imports from (a pilot-light DR file system does not exist yet).
   */
  private async replicaCanary(resource: string): Promise<CanaryStore | string> {
    const spec = this.req.runbook.filesystems[resource];
    if (spec?.type !== 'fsx-lustre') return this.canary(resource, 'secondary');
    const resolved = lustreDrBucketCanary(spec, await this.canaryEnvironment(resource, spec));
    return 'store' in resolved ? resolved.store : resolved.unavailable;
  }

  /**
   * Polls until the named file holds the expected content (any content when `content` is undefined); returns the
   * elapsed time or undefined on timeout.
   */
  private async waitFor(store: CanaryStore, name: string, content: string | undefined): Promise<number | undefined> {
    const started = this.req.clock.now();
    for (;;) {
      const found = await store.read(name).catch(() => undefined);
      if (found !== undefined && (content === undefined || found === content)) return this.req.clock.now() - started;
      if (this.req.clock.now() - started > this.req.canaryTimeoutMs) return undefined;
      await this.req.clock.sleep(this.req.canaryPollMs, this.req.signal);
    }
  }

  private async child(operation: 'failover' | 'failback'): Promise<RunOutcome> {
    const outcome = await runOperation({ ...this.req, operation, parentRunId: this.record.runId, newRun: false });
    if (!this.record.childRunIds.includes(outcome.runId)) this.record.childRunIds.push(outcome.runId);
    if (operation === 'failover' && outcome.checkpoint) this.failover = outcome.checkpoint;
    await this.save();
    return outcome;
  }

  async run(): Promise<DrillOutcome> {
    const fsFlags = this.req.resources.map((r) => `--fs ${r}`).join(' ');
    const result = await this.phases(fsFlags);
    await this.measure();
    const checksOk = this.record.drill.checks.every((c) => c.ok);
    if (result.ok && !checksOk) {
      this.record.status = 'failed';
    } else {
      this.record.status = result.ok ? 'succeeded' : result.status;
    }
    if (this.record.status === 'succeeded') {
      delete this.record.drill.restoreHint;
      this.record.finishedAt = new Date(this.req.clock.now()).toISOString();
    }
    await this.save();
    const exitCode = result.ok ? (checksOk ? ExitCode.ok : ExitCode.stepFailed) : result.exitCode;
    return { runId: this.record.runId, status: this.record.status, exitCode, record: this.record };
  }

  private async phases(fsFlags: string): Promise<PhaseResult> {
    const readiness = await this.phase('readiness', () => this.readiness());
    if (!readiness.ok) {
      this.record.drill.restoreHint = this.unreachableRegion
        ? `Nothing was changed. A drill needs both regions: run it again once ${this.unreachableRegion} answers. If the primary region is really down, this is an outage, not a drill: fail over with \`drctl failover ${fsFlags} --primary-unavailable\`.`
        : 'Nothing was changed. Fix what the readiness check reported, then run the drill again.';
      return readiness;
    }

    const canary = await this.phase('canary', async () => {
      for (const resource of this.req.resources) {
        const primary = await this.canary(resource, 'primary');
        if (typeof primary === 'string') {
          this.note(`no canary for ${resource}: ${primary}`);
          continue;
        }
        const content = `drctl drill ${this.record.runId} canary for ${resource}, written ${new Date(this.req.clock.now()).toISOString()}\n`;
        await primary.write(this.canaryName, content);
        const spec = this.req.runbook.filesystems[resource];
        const replica = await this.replicaCanary(resource);
        if (!spec || typeof replica === 'string') {
          this.note(`the canary of ${resource} is not followed before the failover: ${typeof replica === 'string' ? replica : 'unknown resource'}`);
          continue;
        }
        const lag = await this.waitFor(replica, this.canaryName, content);
        this.check({
          name: 'canary replicated before failover',
          resource,
          ok: lag !== undefined,
          detail: lag === undefined ? `not on ${replica.where} after ${renderDuration(this.req.canaryTimeoutMs)}` : `reached ${replica.where} in ${renderDuration(lag)}`,
        });
        if (lag !== undefined) this.canaryTravel.set(resource, { lagMs: lag, route: canaryRoute(spec) });
      }
      return { ok: true };
    });
    if (!canary.ok) return canary;

    this.record.drill.restoreHint = `Re-run \`drctl drill ${fsFlags}\` to resume the drill, or finish by hand with \`drctl failover ${fsFlags}\` then \`drctl failback ${fsFlags}\`.`;
    const failover = await this.phase('failover', async () => {
      const outcome = await this.child('failover');
      if (outcome.status === 'succeeded') return { ok: true, detail: `run ${outcome.runId}` };
      this.record.drill.restoreHint = stoppedRunHint(this.req, 'failover', outcome, fsFlags);
      return childRunFailure(this.req, 'failover', outcome);
    });
    if (!failover.ok) return failover;
    this.failover ??= await this.findChild('failover');

    this.record.drill.restoreHint = `The DR side is active. Re-run \`drctl drill ${fsFlags}\` to resume (it fails back), or run \`drctl failback ${fsFlags}\` to restore production.`;
    const verifyDr = await this.phase('verify-dr', () => this.verifyDr());
    if (!verifyDr.ok) return verifyDr;

    const failback = await this.phase('failback', async () => {
      const outcome = await this.child('failback');
      if (outcome.status === 'succeeded') return { ok: true, detail: `run ${outcome.runId}` };
      this.record.drill.restoreHint = stoppedRunHint(this.req, 'failback', outcome, fsFlags);
      return childRunFailure(this.req, 'failback', outcome);
    });
    if (!failback.ok) return failback;
    this.record.drill.restoreHint = `Production is back on the primary. Re-run \`drctl drill ${fsFlags}\` to finish the verification and cleanup.`;

    const verifyPrimary = await this.phase('verify-primary', () => this.verifyPrimary());
    if (!verifyPrimary.ok) return verifyPrimary;
    return this.phase('cleanup', () => this.cleanup());
  }

  /** The failover's plan must pass; its refusals (or the call that failed) become the phase's detail. */
  private async readiness(): Promise<PhaseResult> {
    const readiness = await checkReadiness(this.req);
    this.unreachableRegion = readiness.unreachableRegion;
    this.check({ name: 'ready for failover', ok: readiness.ready, detail: readiness.detail });
    if (readiness.ready) return { ok: true, detail: readiness.detail };
    return { ok: false, detail: readiness.detail, exitCode: readiness.exitCode, status: readiness.status };
  }

  private async findChild(operation: string): Promise<Checkpoint | undefined> {
    for (const id of this.record.childRunIds) {
      const cp = await readCheckpoint(this.req.stateDir, id);
      if (cp?.operation === operation) return cp;
    }
    return (await readAllCheckpoints(this.req.stateDir)).find((cp) => cp.parentRunId === this.record.runId && cp.operation === operation);
  }

  private async verifyDr(): Promise<PhaseResult> {
    for (const resource of this.req.resources) {
      const secondary = await this.canary(resource, 'secondary');
      if (typeof secondary === 'string') {
        this.note(`DR side of ${resource} not verified: ${secondary}`);
        continue;
      }
      const spec = this.req.runbook.filesystems[resource];
      if (spec?.type === 'fsx-lustre') {
        // The failover imported the DR bucket into the DR Lustre: the canary must have come all the way.
        const waited = await this.waitFor(secondary, this.canaryName, await this.primaryCanaryContent(resource).catch(() => undefined));
        this.check({
          name: 'canary present on the DR side after failover',
          resource,
          ok: waited !== undefined,
          detail: waited !== undefined ? `found on ${secondary.where}${waited > 0 ? ` ${renderDuration(waited)} after the failover` : ''}, by way of ${canaryRoute(spec)}` : `missing on ${secondary.where} ${renderDuration(this.req.canaryTimeoutMs)} after the failover`,
        });
      } else {
        const arrived = await secondary.read(this.canaryName).catch(() => undefined);
        this.check({ name: 'canary present on the DR side after failover', resource, ok: arrived !== undefined, detail: arrived !== undefined ? `found on ${secondary.where}` : `missing on ${secondary.where}` });
      }
      const probe = `drctl drill ${this.record.runId}: written on the DR side of ${resource} while it was active\n`;
      let writable = true;
      let detail = `wrote and read back ${this.probeName} on ${secondary.where}`;
      try {
        await secondary.write(this.probeName, probe);
        writable = (await secondary.read(this.probeName)) === probe;
      } catch (err) {
        writable = false;
        detail = `cannot write on ${secondary.where}: ${(err as Error).message}`;
      }
      this.check({ name: 'DR side writable after failover', resource, ok: writable, detail });
    }
    return { ok: true };
  }

  private async primaryCanaryContent(resource: string): Promise<string | undefined> {
    const primary = await this.canary(resource, 'primary');
    return typeof primary === 'string' ? undefined : primary.read(this.canaryName);
  }

  private async verifyPrimary(): Promise<PhaseResult> {
    for (const resource of this.req.resources) {
      const primary = await this.canary(resource, 'primary');
      if (typeof primary === 'string') continue;
      if (this.req.flags.mode === 'preserve') {
        const probe = `drctl drill ${this.record.runId}: written on the DR side of ${resource} while it was active\n`;
        const back = await this.waitFor(primary, this.probeName, probe);
        this.check({
          name: 'changes made on the DR side reached the primary after failback',
          resource,
          ok: back !== undefined,
          detail: back !== undefined ? `${this.probeName} found on ${primary.where}` : `${this.probeName} missing on ${primary.where} after ${renderDuration(this.req.canaryTimeoutMs)}`,
        });
      }
      let writable = true;
      try {
        await primary.write(`${this.record.runId}-primary-writable.txt`, 'ok\n');
        await primary.remove(`${this.record.runId}-primary-writable.txt`);
      } catch {
        writable = false;
      }
      this.check({ name: 'primary writable after failback', resource, ok: writable, detail: writable ? `wrote on ${primary.where}` : `cannot write on ${primary.where}` });
    }
    return { ok: true };
  }

  private async cleanup(): Promise<PhaseResult> {
    const problems: string[] = [];
    for (const resource of this.req.resources) {
      const type = this.req.runbook.filesystems[resource]?.type;
      // The primary is the source again: removing there replicates the removal. S3 replicas are separate objects.
      const sides: Side[] = type === 's3' ? ['primary', 'secondary'] : ['primary'];
      for (const side of sides) {
        const store = await this.canary(resource, side);
        if (typeof store === 'string') continue;
        for (const name of [this.canaryName, this.probeName]) {
          await store.remove(name).catch((err: unknown) => problems.push(`${store.where}${name}: ${(err as Error).message}`));
        }
      }
    }
    this.check({ name: 'canaries removed', ok: problems.length === 0, detail: problems.length === 0 ? 'canary and probe files removed' : problems.join('; ') });
    return { ok: true };
  }

  private async measure(): Promise<void> {
    this.failover ??= await this.findChild('failover');
    this.record.drill.measurements = this.req.resources.map((name) => {
      const spec = this.req.runbook.filesystems[name];
      if (!spec) throw new Error(`unknown resource ${name}`);
      return planMeasurement(name, spec, this.failover, this.canaryTravel.get(name));
    });
    for (const m of this.record.drill.measurements) {
      if (m.rtoMs !== undefined) this.check({ name: 'RTO within target', resource: m.resource, ok: m.rtoMs <= m.rtoTargetMs, detail: `measured ${renderDuration(m.rtoMs)}, target ${renderDuration(m.rtoTargetMs)}` });
      if (m.rpoMs !== undefined) this.check({ name: 'RPO within target', resource: m.resource, ok: m.rpoMs <= m.rpoTargetMs, detail: `measured ${renderDuration(m.rpoMs)} (${m.rpoSource}), target ${renderDuration(m.rpoTargetMs)}` });
    }
  }
}

