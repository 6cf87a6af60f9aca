/**
 * Flags first, questions for the rest: every given flag is checked, then — on a terminal — each missing answer
 * is asked in order (later questions depend on earlier answers: the type decides what ids are needed). Without
 * a terminal, missing answers are an InputError naming every flag to add, so CI gets one complete message.
 */
import { InputError } from '../errors.js';
import { INIT_FIELDS, checkField, missingFields, toAnswers, type InitAnswers, type InitField, type InitFlags } from './answers.js';

/** Asks one question; resolves undefined when the input ended (Ctrl-D). The CLI reads a terminal, tests a script. */
export interface Asker {
  ask(question: string): Promise<string | undefined>;
}

const MAX_TRIES = 3;

function checkFlags(flags: InitFlags): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const field of INIT_FIELDS) {
    if (seen.has(field.key)) continue;
    seen.add(field.key);
    const value = flags[field.key];
    if (value === undefined) continue;
    const problem = checkField(field, value);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new InputError('invalid-option', problems.length === 1 ? (problems[0] ?? '') : `${problems.length} options are not valid`, {
      details: problems.length > 1 ? problems : [],
      hint: 'Fix the values above; `drctl init --help` lists every option with an example.',
    });
  }
}

function shouldAsk(field: InitField, flags: InitFlags): boolean {
  if (flags[field.key] !== undefined) return false;
  if (field.required?.(flags)) return true;
  if (field.askOptional?.(flags)) return true;
  return field.askDefault === true && field.default?.(flags) !== undefined;
}

async function askField(field: InitField, flags: InitFlags, asker: Asker): Promise<string | undefined> {
  const fallback = field.default?.(flags);
  const required = field.required?.(flags) === true;
  const suffix = fallback !== undefined ? ` [${fallback}]` : required ? '' : ' (optional)';
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const answer = await asker.ask(`${field.question}${suffix}:`);
    if (answer === undefined) {
      throw new InputError('init-aborted', 'input ended before every question was answered; nothing was written', {
        hint: 'Run `drctl init` again, or pass every answer as a flag (`drctl init --help`).',
      });
    }
    const value = answer.trim();
    if (value === '') {
      if (fallback !== undefined) return fallback;
      if (!required) return undefined;
      continue;
    }
    const problem = checkField(field, value);
    if (!problem) return value;
    if (attempt === MAX_TRIES) throw new InputError('invalid-answer', problem, { hint: `Expected ${field.expected}. Nothing was written.` });
  }
  throw new InputError('missing-answer', `${field.flag} is required: ${field.question}`, { hint: 'Run `drctl init` again and answer it, or pass it as a flag.' });
}

export async function gatherAnswers(given: InitFlags, asker: Asker | undefined): Promise<InitAnswers> {
  checkFlags(given);
  const flags: InitFlags = { ...given };
  if (asker) {
    for (const field of INIT_FIELDS) {
      if (!shouldAsk(field, flags)) continue;
      const value = await askField(field, flags, asker);
      if (value !== undefined) flags[field.key] = value;
    }
  }
  const missing = missingFields(flags);
  if (missing.length > 0) {
    throw new InputError('missing-options', `drctl init needs ${missing.length === 1 ? 'one more option' : `${missing.length} more options`} when it cannot ask (not a terminal): ${missing.map((f) => f.flag).join(', ')}`, {
      details: missing.map((f) => `${f.missingLabel ?? f.flag}: ${f.question} — ${f.expected}`),
      hint: 'Pass them as flags, e.g. `drctl init --type efs --name efs-prod --primary-account 111111111111 --primary-region us-east-1 --secondary-account 222222222222 --secondary-region us-west-2 --primary-id fs-... --secondary-id fs-...`, or run it on a terminal to be asked.',
    });
  }
  return toAnswers(flags);
}
