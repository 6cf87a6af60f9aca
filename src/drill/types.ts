/** What a drill is asked to do and what it reports back; shared by the drill's modules and the CLI. */
import type { RunRequest } from '../engine/run.js';
import type { DrillRecord } from '../report/run-report/types.js';
import type { SandboxDataPlane } from './sandbox-data-plane.js';

export type DrillRequest = Omit<RunRequest, 'operation' | 'parentRunId' | 'planAfter'> & {
  /** The emulator's data plane for canaries on emulated file systems. */
  sandbox?: SandboxDataPlane;
  /** How long to wait for a canary to appear on the other side. */
  canaryTimeoutMs: number;
  canaryPollMs: number;
};

export interface DrillOutcome {
  runId: string;
  status: DrillRecord['status'];
  exitCode: number;
  record: DrillRecord;
}

export type PhaseFailure = { ok: false; detail: string; exitCode: number; status: DrillRecord['status'] };
export type PhaseResult = { ok: true; detail?: string } | PhaseFailure;
