/**
 * Typed run events. The engine emits them; reporters (human, plain, NDJSON), the journal and the run reports
 * consume them. `type` names are stable: they are the public contract of `--output json`.
 */
import type { AwsCallRecord } from '../aws/types.js';
import type { Operation, Outputs, PlannedCall } from '../steps/types.js';

export const EVENT_SCHEMA_VERSION = 1;

export interface EventError {
  code: string;
  message: string;
  hint?: string;
  awsErrorName?: string;
  requestId?: string;
}

export type RunStatus = 'succeeded' | 'failed' | 'refused' | 'declined' | 'interrupted' | 'planned';

export type RunEventBody =
  | {
      type: 'run.started';
      operation: Operation;
      runbook: string;
      runbookFile: string;
      digest: string;
      resources: string[];
      dryRun: boolean;
      resumed: boolean;
      steps: Array<{ key: string; kind: string; description: string; needs: string[] }>;
    }
  | { type: 'identity.verified'; account: string; accountId: string; arn: string }
  | { type: 'step.started'; key: string; resource: string; stepId: string; kind: string; description: string }
  | {
      type: 'step.planned';
      key: string;
      reason: string;
      calls: PlannedCall[];
      afterPending: boolean;
      /** What the step would do: act (apply), done, waiting, blocked, after (depends on a pending step), skipped. */
      state?: 'apply' | 'done' | 'waiting' | 'blocked' | 'after' | 'skipped';
    }
  | { type: 'step.applying'; key: string; phase: string; reason: string }
  | { type: 'step.waiting'; key: string; reason: string; elapsedMs: number }
  | { type: 'step.retrying'; key: string; attempt: number; delayMs: number; error: EventError }
  | { type: 'step.done'; key: string; skipped: boolean; reason: string; durationMs: number; outputs: Outputs }
  | { type: 'step.failed'; key: string; durationMs: number; error: EventError }
  | { type: 'approval.requested'; key: string; question: string }
  | { type: 'approval.granted'; key: string; by: string; via: 'prompt' | '--yes' | '--approve' }
  | { type: 'approval.declined'; key: string; by: string; reason: string }
  | ({ type: 'aws.call'; key?: string } & AwsCallRecord)
  | { type: 'note'; key?: string; message: string }
  | { type: 'run.finished'; status: RunStatus; exitCode: number; durationMs: number; message?: string };

export type RunEvent = RunEventBody & { schemaVersion: number; time: string; runId: string };

export interface EventSink {
  emit(event: RunEventBody): void;
}

/** Fans events out to several consumers (reporter, journal, test recorders). */
export class EventBus implements EventSink {
  private readonly listeners: Array<(event: RunEvent) => void> = [];
  constructor(
    private runId: string,
    private readonly now: () => number,
  ) {}
  setRunId(runId: string): void {
    this.runId = runId;
  }
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
  emit(body: RunEventBody): void {
    const event = { ...body, schemaVersion: EVENT_SCHEMA_VERSION, time: new Date(this.now()).toISOString(), runId: this.runId } as RunEvent;
    for (const listener of this.listeners) listener(event);
  }
}
