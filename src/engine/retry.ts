/** Declared retry policies (Temporal style): capped exponential backoff with full jitter. */
import type { RetryPolicy } from '../runbook/common.js';
import { parseDuration } from '../util/duration.js';

/** Delay before retry number `retry` (1 = first retry). `random` in [0,1) for jitter; tests pass a constant. */
export function planRetryDelay(policy: RetryPolicy, retry: number, random: number): number {
  const initial = parseDuration(policy.initialInterval) ?? 1000;
  const maximum = parseDuration(policy.maximumInterval) ?? 30_000;
  const ceiling = Math.min(maximum, initial * policy.backoffCoefficient ** Math.max(0, retry - 1));
  // Full jitter, but never below half the ceiling, so a retry storm spreads without collapsing to zero.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** Poll intervals grow gently while a wait goes on, up to four times the base interval. */
export function planPollDelay(basePollMs: number, pollNumber: number): number {
  return Math.round(Math.min(basePollMs * 4, basePollMs * 1.25 ** Math.max(0, pollNumber - 1)));
}

/** Errors the engine may retry: AWS throttling, 5xx and network errors (flagged by the AWS layer). */
export function isRetryableError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
