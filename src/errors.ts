/**
 * Typed errors. Every expected failure carries a stable code, the exit code it maps to, and a hint naming the
 * next thing to do. Anything that is not a DrctlError is a bug and is reported as one by the CLI.
 */
export const ExitCode = {
  ok: 0,
  stepFailed: 1,
  invalidInput: 2,
  refused: 3,
  lockOrStale: 4,
  declined: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface DrctlErrorOptions {
  hint?: string;
  details?: string[];
  cause?: unknown;
}

export class DrctlError extends Error {
  readonly hint: string | undefined;
  readonly details: string[];
  constructor(
    readonly code: string,
    readonly exitCode: ExitCode,
    message: string,
    options: DrctlErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DrctlError';
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/** Bad flags, unknown --fs, invalid runbook: exit 2, nothing called, nothing written. */
export class InputError extends DrctlError {
  constructor(code: string, message: string, options?: DrctlErrorOptions) {
    super(code, ExitCode.invalidInput, message, options);
    this.name = 'InputError';
  }
}

/** A preflight or safety check refused to go on (wrong account, lag beyond RPO, unreplicated changes...). */
export class RefusedError extends DrctlError {
  constructor(code: string, message: string, options?: DrctlErrorOptions) {
    super(code, ExitCode.refused, message, options);
    this.name = 'RefusedError';
  }
}

/** The lock is held, or the checkpoint does not match the runbook any more. */
export class LockError extends DrctlError {
  constructor(code: string, message: string, options?: DrctlErrorOptions) {
    super(code, ExitCode.lockOrStale, message, options);
    this.name = 'LockError';
  }
}

export class DeclinedError extends DrctlError {
  constructor(message: string, options?: DrctlErrorOptions) {
    super('confirmation-declined', ExitCode.declined, message, options);
    this.name = 'DeclinedError';
  }
}

export class InterruptedError extends DrctlError {
  constructor(message = 'interrupted', options?: DrctlErrorOptions) {
    super('interrupted', ExitCode.interrupted, message, options);
    this.name = 'InterruptedError';
  }
}

/** A step failed at run time (AWS error, timeout, non-zero exec). */
export class StepError extends DrctlError {
  constructor(code: string, message: string, options?: DrctlErrorOptions) {
    super(code, ExitCode.stepFailed, message, options);
    this.name = 'StepError';
  }
}

export function isDrctlError(err: unknown): err is DrctlError {
  return err instanceof DrctlError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
