/**
 * One advance hook for the storage services (S3 live replication, S3 Batch jobs, FSx file systems, DRAs and
 * tasks). Their effects chain — an FSx export writes an object, S3 replicates it, the other file system imports the
 * replica — so the steps run in a loop until none changes anything: after any single request the world is
 * consistent with `now`, however far the clock jumped.
 */
import { registerAdvanceHook, type World } from '../../world.js';

/** Brings one part of the storage world up to `now`; returns true when it changed something. */
export type StorageStep = (world: World, now: number) => boolean;

const steps = new Map<string, StorageStep>();

/** Registers (or replaces) a step; steps run in registration order. */
export function registerStorageStep(name: string, step: StorageStep): void {
  steps.set(name, step);
}

/** A guard against a step that keeps reporting changes; each pass settles at least one due event. */
const MAX_PASSES = 50;

export function advanceStorage(world: World, now: number): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const step of steps.values()) changed = step(world, now) || changed;
    if (!changed) return;
  }
}

registerAdvanceHook('storage', advanceStorage);
