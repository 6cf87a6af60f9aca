/**
 * Leaving at once (a second Ctrl-C). Only cli/main.ts touches process.exit: it installs the real exit here;
 * anywhere else (and in tests) the default just records the request.
 */
let exitNow: (code: number) => void = () => undefined;

export function installExit(exit: (code: number) => void): void {
  exitNow = exit;
}

export function requestImmediateExit(code: number): void {
  exitNow(code);
}
