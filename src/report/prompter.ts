/**
 * Asking a person. The TTY prompter reads y/N from the terminal (default No: an operator who just presses Enter
 * at 3 a.m. has not approved a destructive step); it takes the spinner down while asking so the question is not
 * overwritten. The scripted prompter answers from a list, for tests.
 */
import os from 'node:os';
import { createInterface } from 'node:readline';
import { InterruptedError } from '../errors.js';
import type { Prompter } from '../steps/types.js';
import { detectCi, type Output } from './output.js';

/** Anything with a spinner to take off the screen while the prompt is shown (a Reporter is one). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export interface TtyPrompterOptions {
  /** The command's Output: prompting needs stdout to be a terminal and not CI. Default: the process streams. */
  output?: Pick<Output, 'isTTY' | 'ci'>;
  /** The reporter, paused while asking so the spinner does not overwrite the question. */
  pausable?: Pausable;
  input?: NodeJS.ReadStream;
  /** Where the question is written: stderr, so --output json keeps stdout clean. */
  promptStream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /**
   * Called on Ctrl-C at the prompt. readline swallows the terminal's SIGINT while it reads, so by default this
   * hands it on to the process's own SIGINT listeners (the CLI's: abort, checkpoint, release the lock).
   */
  onInterrupt?: () => void;
}

function forwardSigint(): void {
  if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
}

/** The approver's name for journals and evidence: DRCTL_USER when set (shared jump hosts), else the OS user. */
export function resolveUser(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DRCTL_USER?.trim();
  if (configured) return configured;
  try {
    return os.userInfo().username;
  } catch {
    // userInfo() throws for uids without a passwd entry (some containers); fall back to what the shell says.
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

export function isYes(answer: string): boolean {
  return ['y', 'yes'].includes(answer.trim().toLowerCase());
}

export function createTtyPrompter(options: TtyPrompterOptions = {}): Prompter {
  const input = options.input ?? process.stdin;
  const promptStream = options.promptStream ?? process.stderr;
  const env = options.env ?? process.env;
  const output = options.output ?? { isTTY: process.stdout.isTTY === true, ci: detectCi(env) };
  const interactive = input.isTTY === true && output.isTTY && !output.ci;
  const user = resolveUser(env);

  const confirm = (question: string): Promise<boolean> => {
    // Without a terminal nobody can answer: the safe answer is No (approval steps check `interactive` first).
    if (!interactive) return Promise.resolve(false);
    options.pausable?.pause();
    const rl = createInterface({ input, output: promptStream, terminal: true });
    return new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        rl.close();
        options.pausable?.resume();
        fn();
      };
      // Ctrl-C at the prompt: stop waiting for an answer and let whoever handles interrupts do the rest.
      rl.on('SIGINT', () => {
        settle(() => reject(new InterruptedError('interrupted at a confirmation prompt', { hint: 'Re-run the same command to resume.' })));
        (options.onInterrupt ?? forwardSigint)();
      });
      // Ctrl-D or a closed terminal: no answer is No.
      rl.on('close', () => settle(() => resolve(false)));
      rl.question(`${question} [y/N] `, (answer) => settle(() => resolve(isYes(answer))));
    });
  };

  return { interactive, user, confirm };
}

export interface ScriptedPrompter extends Prompter {
  /** Every question asked, in order. */
  readonly questions: string[];
}

/**
 * Answers from a list (or a function of the question), for tests. Running out of answers throws: a test that
 * did not expect a prompt should fail loudly rather than get a silent No.
 */
export function createScriptedPrompter(
  answers: boolean[] | ((question: string) => boolean),
  options: { user?: string; interactive?: boolean } = {},
): ScriptedPrompter {
  const queue = Array.isArray(answers) ? [...answers] : undefined;
  const questions: string[] = [];
  return {
    interactive: options.interactive ?? true,
    user: options.user ?? 'test-operator',
    questions,
    async confirm(question) {
      questions.push(question);
      if (!queue) return (answers as (q: string) => boolean)(question);
      const next = queue.shift();
      if (next === undefined) throw new Error(`scripted prompter has no answer left for: ${question}`);
      return next;
    },
  };
}
