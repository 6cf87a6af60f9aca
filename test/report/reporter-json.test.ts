import { describe, expect, it } from 'vitest';
import { createMemoryOutput } from '../../src/report/output.js';
import { createReporter } from '../../src/report/reporter.js';
import { EVENT_SCHEMA_VERSION } from '../../src/engine/events.js';
import { dryRunFailover, failedFailover, successfulFailover } from './fixtures.js';

describe('json reporter', () => {
  it('writes every event as one parseable JSON line on stdout, unchanged, and nothing else', () => {
    const events = [...successfulFailover(), ...failedFailover(), ...dryRunFailover()];
    const output = createMemoryOutput({ isTTY: true, color: true, live: true });
    const reporter = createReporter('json', output, { journalPath: () => '.drctl/runs/x/journal.ndjson' });
    for (const event of events) reporter.onEvent(event);
    reporter.finish();

    expect(output.stdout).toHaveLength(events.length);
    expect(output.stdout.map((line) => JSON.parse(line))).toEqual(events);
    expect(output.stderr).toEqual([]);
    expect(output.liveFrames).toEqual([]);
  });

  it('keeps the stable envelope (type, schemaVersion, time, runId) on every line', () => {
    const output = createMemoryOutput();
    const reporter = createReporter('json', output);
    for (const event of successfulFailover()) reporter.onEvent(event);
    for (const line of output.stdout) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed).toMatchObject({ schemaVersion: EVENT_SCHEMA_VERSION, runId: 'failover-20260101-000000-abcd' });
      expect(typeof parsed.type).toBe('string');
      expect(Number.isNaN(Date.parse(String(parsed.time)))).toBe(false);
    }
  });
});
