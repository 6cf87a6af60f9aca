import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { createScriptedPrompter, createTtyPrompter, isYes, resolveUser } from '../../src/report/prompter.js';

function ttyInput() {
  const input = new PassThrough() as PassThrough & { isTTY: boolean };
  input.isTTY = true;
  return input;
}

function promptStream() {
  const stream = new PassThrough() as PassThrough & { written: string };
  stream.written = '';
  stream.on('data', (chunk: Buffer) => {
    stream.written += chunk.toString();
  });
  return stream;
}

function prompter(options: { isTTY?: boolean; ci?: boolean; inputTTY?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const input = ttyInput();
  input.isTTY = options.inputTTY ?? true;
  const out = promptStream();
  const log: string[] = [];
  const p = createTtyPrompter({
    input: input as unknown as NodeJS.ReadStream,
    promptStream: out as unknown as NodeJS.WriteStream,
    output: { isTTY: options.isTTY ?? true, ci: options.ci ?? false },
    env: options.env ?? { DRCTL_USER: 'alice' },
    pausable: { pause: () => log.push('pause'), resume: () => log.push('resume') },
    onInterrupt: () => log.push('interrupt'),
  });
  return { p, input, out, log };
}

describe('TTY prompter', () => {
  it('is interactive only when stdin and stdout are terminals and not in CI', () => {
    expect(prompter().p.interactive).toBe(true);
    expect(prompter({ isTTY: false }).p.interactive).toBe(false);
    expect(prompter({ inputTTY: false }).p.interactive).toBe(false);
    expect(prompter({ ci: true }).p.interactive).toBe(false);
  });

  it('asks with a [y/N] suffix and takes y or yes as approval', async () => {
    const { p, input, out } = prompter();
    const answer = p.confirm('Promote fs-0dr to writable?');
    input.write('yes\n');
    await expect(answer).resolves.toBe(true);
    expect(out.written).toContain('Promote fs-0dr to writable? [y/N] ');
  });

  it('defaults to No on a bare Enter', async () => {
    const { p, input } = prompter();
    const answer = p.confirm('Delete the DR file system?');
    input.write('\n');
    await expect(answer).resolves.toBe(false);
  });

  it('treats a closed terminal (Ctrl-D) as No', async () => {
    const { p, input } = prompter();
    const answer = p.confirm('Delete the DR file system?');
    input.end();
    await expect(answer).resolves.toBe(false);
  });

  it('rejects with InterruptedError on Ctrl-C and hands the interrupt on', async () => {
    const { p, input, log } = prompter();
    const answer = p.confirm('Promote?');
    input.write('\u0003');
    await expect(answer).rejects.toBeInstanceOf(InterruptedError);
    expect(log).toEqual(['pause', 'resume', 'interrupt']);
  });

  it('pauses the spinner while asking and resumes it after', async () => {
    const { p, input, log } = prompter();
    const answer = p.confirm('Promote?');
    expect(log).toEqual(['pause']);
    input.write('n\n');
    await answer;
    expect(log).toEqual(['pause', 'resume']);
  });

  it('answers No without asking when not interactive', async () => {
    const { p, out, log } = prompter({ ci: true });
    await expect(p.confirm('Promote?')).resolves.toBe(false);
    expect(out.written).toBe('');
    expect(log).toEqual([]);
  });

  it('records DRCTL_USER as the approver when set, else the OS user', () => {
    expect(prompter({ env: { DRCTL_USER: 'oncall-bob' } }).p.user).toBe('oncall-bob');
    expect(resolveUser({})).toMatch(/\S/);
    expect(isYes(' Y ')).toBe(true);
    expect(isYes('no')).toBe(false);
  });
});

describe('scripted prompter', () => {
  it('answers in order and records the questions', async () => {
    const p = createScriptedPrompter([true, false], { user: 'ci-bot' });
    await expect(p.confirm('first?')).resolves.toBe(true);
    await expect(p.confirm('second?')).resolves.toBe(false);
    expect(p.questions).toEqual(['first?', 'second?']);
    expect(p).toMatchObject({ user: 'ci-bot', interactive: true });
  });

  it('fails loudly when asked more than scripted', async () => {
    const p = createScriptedPrompter([]);
    await expect(p.confirm('unexpected?')).rejects.toThrow('no answer left for: unexpected?');
  });

  it('can answer from a function of the question', async () => {
    const p = createScriptedPrompter((q) => q.includes('drill'));
    await expect(p.confirm('run the drill?')).resolves.toBe(true);
    await expect(p.confirm('delete prod?')).resolves.toBe(false);
  });
});
