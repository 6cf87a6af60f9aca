/**
 * Tamper evidence for a report directory. `sealReport` hashes every report file and the journal copies into
 * manifest.json, and writes SHA256SUMS (the `sha256sum -c` format, manifest.json included) beside it.
 * `verifyReportDir` recomputes everything and lists what no longer matches.
 *
 * A directory can always be re-sealed by whoever can write it, so the seal is only as strong as the place its
 * digest is kept: the sha256 of manifest.json is printed when reports are written; record it outside the
 * directory (CI log, ticket, change record) and pass it to verification as `expectedManifestSha256`.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sha256Hex } from './journal.js';

export const MANIFEST_FILE = 'manifest.json';
export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_VERSION = 1;

export interface ReportManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  runId: string;
  algorithm: 'sha256';
  /** Every sealed file (journal copies included), sorted by path, paths relative to the directory with `/`. */
  files: Array<{ path: string; sha256: string; bytes: number }>;
  /** The digest over the journals in run order (the same figure the reports print). */
  journal: { sha256: string; runs: Array<{ runId: string; file: string }> };
}

export interface SealRequest {
  dir: string;
  runId: string;
  /** Report files to seal, relative to `dir`. */
  files: string[];
  /** Journal copies in `dir`, in run order (also sealed as files). */
  journals: Array<{ runId: string; file: string }>;
}

export interface ReportSeal {
  manifest: ReportManifest;
  /** sha256 of manifest.json: keep it outside the directory. */
  manifestSha256: string;
}

const toPosix = (path: string) => path.split(sep).join('/');

export async function sealReport(request: SealRequest): Promise<ReportSeal> {
  const paths = [...new Set([...request.files, ...request.journals.map((j) => j.file)].map(toPosix))].sort();
  const files: ReportManifest['files'] = [];
  for (const path of paths) {
    const content = await readFile(join(request.dir, path));
    files.push({ path, sha256: sha256Hex(content), bytes: content.length });
  }
  const journalText = await Promise.all(request.journals.map((j) => readFile(join(request.dir, j.file))));
  const manifest: ReportManifest = {
    manifestVersion: MANIFEST_VERSION,
    runId: request.runId,
    algorithm: 'sha256',
    files,
    journal: { sha256: sha256Hex(Buffer.concat(journalText)), runs: request.journals.map((j) => ({ runId: j.runId, file: toPosix(j.file) })) },
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestSha256 = sha256Hex(manifestText);
  await writeFile(join(request.dir, MANIFEST_FILE), manifestText);
  const sums = [...files.map((f) => [f.sha256, f.path] as const), [manifestSha256, MANIFEST_FILE] as const]
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map(([hash, path]) => `${hash}  ${path}\n`)
    .join('');
  await writeFile(join(request.dir, SUMS_FILE), sums);
  return { manifest, manifestSha256 };
}

export type VerifyProblemKind = 'modified' | 'missing' | 'journal-digest' | 'sums-mismatch' | 'manifest-unreadable' | 'seal-mismatch';

export interface VerifyProblem {
  file: string;
  kind: VerifyProblemKind;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  manifestSha256?: string;
  /** Files whose digest was checked. */
  checked: number;
  problems: VerifyProblem[];
  /** Files in the directory that the manifest does not list (not sealed, so not evidence). */
  unsealed: string[];
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => (e.isDirectory() ? listFiles(join(dir, e.name), root) : e.isFile() ? [toPosix(relative(root, join(dir, e.name)))] : [])),
  );
  return nested.flat().sort();
}

function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (match?.[1] && match[2]) sums.set(match[2], match[1]);
  }
  return sums;
}

function parseManifest(text: Buffer): ReportManifest | undefined {
  try {
    const value = JSON.parse(text.toString('utf8')) as Partial<ReportManifest>;
    return Array.isArray(value.files) && value.journal && Array.isArray(value.journal.runs) ? (value as ReportManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** Recomputes every digest of a sealed report directory; `expectedManifestSha256` is the seal recorded elsewhere. */
export async function verifyReportDir(dir: string, options: { expectedManifestSha256?: string } = {}): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  const result = (checked: number, unsealed: string[], manifestSha256?: string): VerifyResult => ({
    ok: problems.length === 0,
    dir,
    checked,
    problems,
    unsealed,
    ...(manifestSha256 ? { manifestSha256 } : {}),
  });
  const manifestBytes = await readOptional(join(dir, MANIFEST_FILE));
  const manifest = manifestBytes ? parseManifest(manifestBytes) : undefined;
  if (!manifestBytes || !manifest) {
    problems.push({ file: MANIFEST_FILE, kind: 'manifest-unreadable', message: manifestBytes ? `${MANIFEST_FILE} is not a drctl report manifest` : `${MANIFEST_FILE} is missing: the directory was never sealed, or it was removed` });
    return result(0, []);
  }
  const manifestSha256 = sha256Hex(manifestBytes);
  if (options.expectedManifestSha256 && options.expectedManifestSha256 !== manifestSha256) {
    problems.push({ file: MANIFEST_FILE, kind: 'seal-mismatch', message: `${MANIFEST_FILE} has sha256 ${manifestSha256}, not the recorded seal ${options.expectedManifestSha256}: the directory was re-sealed or replaced` });
  }
  const actual = new Map<string, string>();
  for (const entry of manifest.files) {
    const content = await readOptional(join(dir, entry.path));
    if (!content) {
      problems.push({ file: entry.path, kind: 'missing', message: `${entry.path} is listed in the manifest but missing` });
      continue;
    }
    const hash = sha256Hex(content);
    actual.set(entry.path, hash);
    if (hash !== entry.sha256) problems.push({ file: entry.path, kind: 'modified', message: `${entry.path} changed since it was sealed (sha256 ${hash}, sealed ${entry.sha256})` });
  }
  const journals = await Promise.all(manifest.journal.runs.map((j) => readOptional(join(dir, j.file))));
  if (journals.every((j): j is Buffer => j !== undefined)) {
    const digest = sha256Hex(Buffer.concat(journals));
    if (digest !== manifest.journal.sha256) {
      problems.push({ file: 'journal', kind: 'journal-digest', message: `the journals hash to ${digest}, but the manifest records ${manifest.journal.sha256}` });
    }
  }
  const sumsText = await readOptional(join(dir, SUMS_FILE));
  if (!sumsText) {
    problems.push({ file: SUMS_FILE, kind: 'missing', message: `${SUMS_FILE} is missing` });
  } else {
    const sums = parseSums(sumsText.toString('utf8'));
    const expected = new Map([...manifest.files.map((f) => [f.path, f.sha256] as const), [MANIFEST_FILE, manifestSha256] as const]);
    for (const [path, hash] of expected) {
      if (sums.get(path) !== hash) problems.push({ file: SUMS_FILE, kind: 'sums-mismatch', message: `${SUMS_FILE} does not list ${path} with the sealed digest` });
    }
    for (const path of sums.keys()) {
      if (!expected.has(path)) problems.push({ file: SUMS_FILE, kind: 'sums-mismatch', message: `${SUMS_FILE} lists ${path}, which the manifest does not seal` });
    }
  }
  const sealed = new Set([...manifest.files.map((f) => f.path), MANIFEST_FILE, SUMS_FILE]);
  const unsealed = (await listFiles(dir)).filter((f) => !sealed.has(f));
  return result(actual.size, unsealed, manifestSha256);
}
