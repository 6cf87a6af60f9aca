/**
 * Fault injection. Faults are plain records inside the World's data (so a scenario survives save/load), and every
 * probabilistic decision draws from the World's seeded PRNG so a test sees the same failures on every run.
 *
 * Request faults (throttle, server-error, access-denied, latency) are checked by the router once it knows the
 * operation; a region that is down makes the transport refuse the connection; `condition` faults are named flags
 * that services consult for behaviour that is not per request (e.g. `efs.replication-stuck-deleting`).
 */
import type { ServiceName } from '../aws/operations.js';

/** Which requests a fault applies to; every field given must match. */
export interface FaultMatch {
  service?: ServiceName;
  operation?: string;
  accountId?: string;
  region?: string;
  /** Only this SDK attempt number (from `amz-sdk-request: attempt=N`), e.g. 1 to fail first tries only. */
  attempt?: number;
}

interface CountedFault {
  match?: FaultMatch;
  /** Fail only the next N matching requests, then the fault is spent. */
  count?: number;
  /** Fail this fraction (0..1) of matching requests. With neither count nor rate: every matching request. */
  rate?: number;
}

export type FaultInput =
  | ({ kind: 'throttle' } & CountedFault)
  | ({ kind: 'server-error'; status?: number } & CountedFault)
  | ({ kind: 'access-denied' } & CountedFault)
  | { kind: 'latency'; ms: number; match?: FaultMatch }
  | { kind: 'region-down'; region: string }
  | { kind: 'condition'; name: string; resourceId?: string };

export type FaultRecord = FaultInput & { id: string };

/** Names of the `condition` faults services understand (others may add theirs; the type stays open). */
export const KNOWN_CONDITIONS = {
  efsReplicationStuckDeleting: 'efs.replication-stuck-deleting',
} as const;

export interface RequestIdentity {
  service: ServiceName;
  operation: string;
  accountId: string;
  region: string;
  attempt?: number;
}

export type RequestFaultError = { kind: 'throttle' } | { kind: 'server-error'; status: number } | { kind: 'access-denied' };

export interface RequestFaultOutcome {
  latencyMs: number;
  error?: RequestFaultError;
}

interface FaultStore {
  faults: FaultRecord[];
  faultCounter: number;
}

export class FaultBook {
  /**
   * @param beforeChange runs before faults are added or removed, so time-driven state is brought up to the moment
   *   of the change (a region going down at T must not retroactively freeze what happened before T).
   */
  constructor(
    private readonly store: FaultStore,
    private readonly random: () => number,
    private readonly beforeChange: () => void = () => undefined,
  ) {}

  /** Adds a fault and returns its id (for remove()). */
  add(fault: FaultInput): string {
    this.beforeChange();
    this.store.faultCounter += 1;
    const id = `fault-${this.store.faultCounter}`;
    this.store.faults.push({ ...fault, id } as FaultRecord);
    return id;
  }

  remove(id: string): void {
    this.beforeChange();
    this.store.faults = this.store.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.beforeChange();
    this.store.faults = [];
  }

  list(): readonly FaultRecord[] {
    return this.store.faults;
  }

  setRegionDown(region: string, down = true): void {
    this.beforeChange();
    this.store.faults = this.store.faults.filter((f) => !(f.kind === 'region-down' && f.region === region));
    if (down) this.add({ kind: 'region-down', region });
  }

  isRegionDown(region: string): boolean {
    return this.store.faults.some((f) => f.kind === 'region-down' && f.region === region);
  }

  /** Whether a named condition is active, for all resources or for `resourceId`. */
  hasCondition(name: string, resourceId?: string): boolean {
    return this.store.faults.some(
      (f) => f.kind === 'condition' && f.name === name && (f.resourceId === undefined || f.resourceId === resourceId),
    );
  }

  /** Decides what happens to one request; consumes counted faults. The first matching error fault wins. */
  forRequest(request: RequestIdentity): RequestFaultOutcome {
    let latencyMs = 0;
    let error: RequestFaultError | undefined;
    for (const fault of [...this.store.faults]) {
      if (fault.kind === 'latency') {
        if (matches(fault.match, request)) latencyMs += fault.ms;
        continue;
      }
      if (error || (fault.kind !== 'throttle' && fault.kind !== 'server-error' && fault.kind !== 'access-denied')) continue;
      if (!matches(fault.match, request)) continue;
      if (!this.fires(fault)) continue;
      error = fault.kind === 'server-error' ? { kind: 'server-error', status: fault.status ?? 500 } : { kind: fault.kind };
    }
    return error ? { latencyMs, error } : { latencyMs };
  }

  private fires(fault: FaultRecord & CountedFault): boolean {
    if (fault.count !== undefined) {
      if (fault.count <= 0) return false;
      fault.count -= 1;
      if (fault.count === 0) this.store.faults = this.store.faults.filter((f) => f.id !== fault.id);
      return true;
    }
    if (fault.rate !== undefined) return this.random() < fault.rate;
    return true;
  }
}

function matches(match: FaultMatch | undefined, request: RequestIdentity): boolean {
  if (!match) return true;
  if (match.service !== undefined && match.service !== request.service) return false;
  if (match.operation !== undefined && match.operation !== request.operation) return false;
  if (match.accountId !== undefined && match.accountId !== request.accountId) return false;
  if (match.region !== undefined && match.region !== request.region) return false;
  if (match.attempt !== undefined && match.attempt !== (request.attempt ?? 1)) return false;
  return true;
}
