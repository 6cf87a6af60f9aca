/**
 * `drctl drill --sandbox --yes`: a full, measured round trip that ends with evidence — Markdown, HTML, JUnit and
 * JSON reports, sealed — that a CI job can publish and an auditor can verify.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => ws.remove());

interface Measurement {
  resource: string;
  rtoMs?: number;
  rpoMs?: number;
  rtoTargetMs: number;
  rpoTargetMs: number;
  rtoMet: boolean;
  rpoMet: boolean;
}

describe('drill on the sandbox', () => {
  it('passes (exit 0) with every check, measured RTO/RPO and sealed reports that verify', async () => {
    const result = await ws.run(['drill', '--fs', 'efs-prod', '--sandbox', '--yes'], { timeoutMs: 120_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const verdict = /Drill (\S+-drill-\S+) succeeded: (\d+)\/(\d+) checks passed\./.exec(result.stderr);
    expect(verdict, result.stderr).not.toBeNull();
    const [, runId = '', passed, total] = verdict ?? [];
    expect(passed).toBe(total);
    expect(result.stderr).toMatch(/efs-prod: RTO \S+ \(target 30m\), RPO \S+ \(target 15m; /);

    const dir = ws.path('.drctl', 'reports', runId);
    for (const file of ['report.md', 'report.html', 'junit.xml', 'report.json', 'manifest.json', 'SHA256SUMS']) {
      expect(existsSync(`${dir}/${file}`), file).toBe(true);
    }

    const junit = await ws.readText('.drctl', 'reports', runId, 'junit.xml');
    expect(junit.match(/<testcase /g)?.length ?? 0).toBeGreaterThan(0);
    expect(junit).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
    expect(junit).not.toContain('<failure');
    expect(junit).toContain('name="failover efs-prod/promote"');

    const report = JSON.parse(await ws.readText('.drctl', 'reports', runId, 'report.json')) as { runId: string; drill: { measurements: Measurement[] } };
    expect(report.runId).toBe(runId);
    const [measurement] = report.drill.measurements;
    expect(measurement).toMatchObject({ resource: 'efs-prod', rtoTargetMs: 30 * 60_000, rpoTargetMs: 15 * 60_000, rtoMet: true, rpoMet: true });
    expect(measurement?.rtoMs).toBeGreaterThan(0);
    expect(measurement?.rpoMs).toBeGreaterThanOrEqual(0);
    expect(measurement?.rtoMs).toBeLessThan(measurement?.rtoTargetMs ?? 0);

    const markdown = await ws.readText('.drctl', 'reports', runId, 'report.md');
    expect(markdown).toContain('| Outcome | **PASSED** |');

    // The seal printed with the reports verifies them.
    const seal = /manifest sha256 ([0-9a-f]{64})/.exec(result.stderr)?.[1];
    expect(seal, result.stderr).toBeDefined();
    const verified = await ws.run(['report', '--verify', dir, '--seal', seal ?? '']);
    expect(verified.code, describeResult(verified)).toBe(0);
    expect(verified.stdout).toContain(`ok — 6 sealed files match (seal ${seal})`);
  });
});
