/**
 * report.html in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) loads the file
 * with networking off, and we look at what it rendered. Skipped only when chromium is absent AND
 * DRCTL_REQUIRE_CHROMIUM is unset (CI sets it, so CI can never skip silently).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel, renderHtmlReport } from '../../src/report/run-report/index.js';
import { drillInput, failedFailoverInput } from './evidence-fixtures.js';

const run = promisify(execFile);

function findChromium(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  const path = found.stdout.trim().split('\n')[0];
  return found.status === 0 && path ? path : undefined;
}

const chromium = findChromium();
const required = Boolean(process.env.DRCTL_REQUIRE_CHROMIUM);

async function browse(html: string, mode: { dumpDom: true } | { screenshot: string }): Promise<string> {
  if (!chromium) throw new Error('DRCTL_REQUIRE_CHROMIUM is set but chromium is not installed: apt-get install -y chromium');
  const file = join(dir, `page-${Math.random().toString(36).slice(2)}.html`);
  await writeFile(file, html);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${join(dir, `profile-${Math.random().toString(36).slice(2)}`)}`,
    ...('dumpDom' in mode ? ['--dump-dom'] : [`--screenshot=${mode.screenshot}`, '--window-size=1200,1600', '--hide-scrollbars']),
    pathToFileURL(file).href,
  ];
  const { stdout } = await run(chromium, args, { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drctl-chromium-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromium && !required)('report.html in headless Chromium', () => {
  it('renders the timeline SVG with a label for every step and drill phase, and a bar per timed step', async () => {
    const input = drillInput();
    const dom = await browse(renderHtmlReport(input), { dumpDom: true });
    const svg = /<svg[\s\S]*?<\/svg>/.exec(dom)?.[0] ?? '';
    const labels = [...svg.matchAll(/<text class="step-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const model = buildReportModel(input);
    expect(labels).toEqual([...(model.drill?.phases.map((p) => `phase: ${p.name}`) ?? []), ...model.steps.map((s) => s.label)]);
    expect(svg.match(/<rect class="bar bar-succeeded"/g)).toHaveLength(3);
    expect(svg.match(/<rect class="bar bar-unchanged"/g)).toHaveLength(1);
    expect(svg).not.toContain('bar-skipped');
  });

  it('shows failed and unreached steps of a failed run', async () => {
    const dom = await browse(renderHtmlReport(failedFailoverInput()), { dumpDom: true });
    const svg = /<svg[\s\S]*?<\/svg>/.exec(dom)?.[0] ?? '';
    for (const key of ['efs-prod/check', 'efs-prod/notify-primary', 'efs-prod/confirm', 'efs-prod/promote', 'efs-prod/verify']) {
      expect(svg).toContain(`>${key}<`);
    }
    expect(svg).toMatch(/<rect class="bar bar-failed"/);
    expect(svg).toContain('>not run<');
  });

  it('takes a screenshot: a PNG of the window size with real content', async () => {
    const png = join(dir, 'report.png');
    await browse(renderHtmlReport(drillInput()), { screenshot: png });
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 1600]);
    // A blank page of this size is about 9 KB; tables, text and coloured bars make it many times larger.
    expect((await stat(png)).size).toBeGreaterThan(40_000);
  });
});
