/**
 * Which side is authoritative (DESIGN principle 5), for efs.replicate: replicating into a file system overwrites
 * it, so drctl refuses — unless --force — when the side it would overwrite may hold changes that were never
 * replicated. The evidence comes from the resource's memory, written by efs.promote:
 *  - lastFailoverAt: the DR copy was promoted (writable) at that time;
 *  - secondarySyncedToPrimaryAt: a preserving failback replicated the DR copy back into the primary up to then;
 *  - primaryUnavailableAtFailover / rpoPointAt: the failover could not reach the primary, so writes made there
 *    after rpoPointAt never reached the DR copy.
 */
import type { Side } from '../runbook/schema.js';
import type { Decision, StepContext } from './types.js';
import { efsSide, nameOf } from './efs-common.js';

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** True when the DR side's writes since its promotion are known to be on the primary. */
export function secondarySyncedBack(ctx: StepContext): boolean {
  const synced = timeOf(ctx.memory.secondarySyncedToPrimaryAt);
  if (synced === undefined) return false;
  const failedOver = timeOf(ctx.memory.lastFailoverAt);
  return failedOver === undefined || synced >= failedOver;
}

/** A blocked decision when replicating into `to` could destroy unreplicated changes; undefined when safe or forced. */
export function safetyRefusal(to: Side, ctx: StepContext): Decision | undefined {
  if (ctx.flags.force) return undefined;
  const target = efsSide(ctx, to);
  if (to === 'secondary') {
    if (secondarySyncedBack(ctx)) return undefined;
    const when = ctx.memory.lastFailoverAt ? `was promoted at ${ctx.memory.lastFailoverAt} and ` : '';
    return {
      state: 'blocked',
      reason: `replicating into ${nameOf(target)} would overwrite it, and it ${when}may hold changes that were never replicated back to the primary (drctl has no record of a preserving failback since)`,
      hint: `To keep the DR changes, run \`drctl failback --fs ${ctx.resourceName} --mode preserve\`. To discard them, re-run with --force.`,
    };
  }
  if (ctx.memory.primaryUnavailableAtFailover === true) {
    const since = ctx.memory.rpoPointAt ? ` after ${ctx.memory.rpoPointAt}` : '';
    return {
      state: 'blocked',
      reason: `replicating into ${nameOf(target)} would overwrite it, and the last failover ran while the primary was unavailable: writes made on the primary${since} never reached the DR side`,
      hint: 'Recover anything you need from the primary first (copy the changed files out, or take an AWS Backup of it), then re-run with --force to overwrite it with the DR copy.',
    };
  }
  return undefined;
}
