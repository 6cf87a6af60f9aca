import { clearLine, cursorTo, moveCursor } from 'node:readline';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createChalk, createProcessOutput, detectCi, selectReporterMode } from '../../src/report/output.js';
import { createOraLiveArea, fitToWidth } from '../../src/report/live-area.js';
import { ANSI } from './fixtures.js';

type FakeTerminal = PassThrough & {
  isTTY: boolean;
  columns: number;
  written: string;
  cursorTo(x: number): boolean;
  moveCursor(dx: number, dy: number): boolean;
  clearLine(dir: -1 | 0 | 1): boolean;
};

/** A writable stream that claims to be (or not to be) a terminal and keeps what was written. */
function fakeStream(isTTY: boolean, columns = 80): FakeTerminal {
  const stream = new PassThrough() as FakeTerminal;
  stream.isTTY = isTTY;
  stream.columns = columns;
  stream.written = '';
  // The cursor methods of a tty.WriteStream, which ora uses to redraw.
  stream.cursorTo = (x) => cursorTo(stream, x);
  stream.moveCursor = (dx, dy) => moveCursor(stream, dx, dy);
  stream.clearLine = (dir) => clearLine(stream, dir);
  stream.on('data', (chunk: Buffer) => {
    stream.written += chunk.toString();
  });
  return stream;
}

function processOutput(options: { tty: boolean; env?: NodeJS.ProcessEnv; noColor?: boolean; ci?: boolean }) {
  const stdout = fakeStream(options.tty);
  const stderr = fakeStream(options.tty);
  const output = createProcessOutput({
    env: options.env ?? {},
    noColor: options.noColor,
    ci: options.ci,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  return { output, stdout, stderr };
}

describe('createProcessOutput', () => {
  it('allows colour and a spinner on a terminal outside CI', () => {
    const { output } = processOutput({ tty: true });
    expect(output).toMatchObject({ isTTY: true, color: true, ci: false });
    expect(output.createLiveArea).toBeDefined();
  });

  it('turns colour off when NO_COLOR is set, whatever its value (even empty)', () => {
    expect(processOutput({ tty: true, env: { NO_COLOR: '1' } }).output.color).toBe(false);
    expect(processOutput({ tty: true, env: { NO_COLOR: '' } }).output.color).toBe(false);
  });

  it('turns colour off with --no-color', () => {
    expect(processOutput({ tty: true, noColor: true }).output.color).toBe(false);
  });

  it('turns colour and the spinner off when stdout is not a terminal', () => {
    const { output } = processOutput({ tty: false });
    expect(output).toMatchObject({ isTTY: false, color: false });
    expect(output.createLiveArea).toBeUndefined();
  });

  it('does not animate on a terminal that reports no size (0 columns)', () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true, 0);
    const output = createProcessOutput({ env: {}, stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream });
    expect(output.createLiveArea).toBeUndefined();
  });

  it('detects CI from the environment (and --ci), which disables the spinner', () => {
    const { output } = processOutput({ tty: true, env: { CI: 'true' } });
    expect(output.ci).toBe(true);
    expect(output.createLiveArea).toBeUndefined();
    expect(processOutput({ tty: true, ci: true }).output.ci).toBe(true);
    expect(detectCi({ CI: 'false' })).toBe(false);
    expect(detectCi({ CI: '1' })).toBe(true);
    expect(detectCi({})).toBe(false);
  });

  it('writes each text plus a newline to the right stream', () => {
    const { output, stdout, stderr } = processOutput({ tty: false });
    output.out('to stdout');
    output.err('to stderr');
    expect(stdout.written).toBe('to stdout\n');
    expect(stderr.written).toBe('to stderr\n');
  });
});

describe('selectReporterMode', () => {
  it('honours an explicit --output', () => {
    expect(selectReporterMode('json', { isTTY: true, ci: false })).toBe('json');
    expect(selectReporterMode('human', { isTTY: false, ci: true })).toBe('human');
  });

  it('picks human on a terminal, plain on pipes and in CI', () => {
    expect(selectReporterMode(undefined, { isTTY: true, ci: false })).toBe('human');
    expect(selectReporterMode(undefined, { isTTY: false, ci: false })).toBe('plain');
    expect(selectReporterMode(undefined, { isTTY: true, ci: true })).toBe('plain');
  });
});

describe('createChalk', () => {
  it('emits no escapes at level 0 and some when colour is on', () => {
    expect(createChalk(false).red.bold('x')).toBe('x');
    expect(createChalk(true).red('x')).toMatch(ANSI);
  });
});

describe('ora live area', () => {
  it('draws one line per running step under a single spinner and clears it on stop', async () => {
    const stream = fakeStream(true, 40);
    const live = createOraLiveArea(stream as unknown as NodeJS.WriteStream, false);
    await live.ready;
    live.update(['efs-a/promote  waiting', 'efs-b/promote  a very long reason that does not fit in forty columns']);
    live.pause();
    live.resume();
    live.stop();
    expect(stream.written).toContain('⠋ efs-a/promote  waiting\n  efs-b/promote  a very long reason th…');
    expect(stream.written.endsWith('\u001b[?25h')).toBe(true); // the cursor is given back
    expect(stream.written).not.toMatch(/\u001b\[3\dm/); // no colour codes when colour is off (cursor codes are fine)
  });

  it('draws nothing when the terminal has lost its size', async () => {
    const stream = fakeStream(true, 0);
    const live = createOraLiveArea(stream as unknown as NodeJS.WriteStream, false);
    await live.ready;
    live.update(['efs-a/promote  waiting']);
    live.stop();
    expect(stream.written).toBe('');
  });

  it('shows what was asked before ora finished loading as soon as it has', async () => {
    const stream = fakeStream(true, 80);
    const live = createOraLiveArea(stream as unknown as NodeJS.WriteStream, false);
    live.update(['efs-a/promote  starting']);
    await live.ready;
    live.stop();
    expect(stream.written).toContain('efs-a/promote  starting');
  });

  it('cuts lines to the terminal width', () => {
    expect(fitToWidth('x'.repeat(30), 25)).toBe(`${'x'.repeat(21)}…`);
    expect(fitToWidth('short', 25)).toBe('short');
  });
});
