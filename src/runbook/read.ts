/**
 * Reading runbooks from disk: one file, or every *.yaml / *.yml of a directory (default ./runbooks, not
 * recursive). Problems come back as diagnostics, never as exceptions, so `drctl validate` can show them all.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { parseRunbook, type LoadResult } from './parse.js';
import { locateInText } from './positions.js';
import type { Runbook } from './schema.js';

export { selectResources, type ResourceSelection } from './select.js';

export interface LoadedRunbook {
  /** The file as shown to the operator (relative to the working directory when inside it). */
  file: string;
  /** Absolute path of the file. */
  path: string;
  runbook: Runbook;
  digest: string;
  /** runbook.name, or the file's base name without extension: names locks and state. */
  name: string;
}

export interface ReadRunbooksResult {
  loaded: LoadedRunbook[];
  /** Errors and warnings of every file, in file order. Any error means the caller must not run anything. */
  diagnostics: Diagnostic[];
}

export const DEFAULT_RUNBOOK_DIR = 'runbooks';
const RUNBOOK_EXTENSIONS = new Set(['.yaml', '.yml']);

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

function fileDiagnostic(code: string, file: string, message: string, hint: string): Diagnostic {
  return { code, severity: 'error', file, line: 1, col: 1, path: [], message, hint };
}

function notFound(file: string, what: string): Diagnostic {
  return fileDiagnostic(
    'file-not-found',
    file,
    `${what} ${file} does not exist`,
    `Pass the runbook with -f <file or directory>, or create ./${DEFAULT_RUNBOOK_DIR}/ with your runbooks (drctl init writes one).`,
  );
}

/** Reads and parses one runbook file; `file` in the result is `path` as given. */
export async function readRunbookFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const diagnostic =
      code === 'ENOENT'
        ? notFound(path, 'runbook file')
        : fileDiagnostic('file-unreadable', path, `cannot read runbook ${path}: ${(err as Error).message}`, 'Check the path and its permissions.');
    return { ok: false, file: path, diagnostics: [diagnostic] };
  }
  return parseRunbook(text, path);
}

/** The runbook files a path designates: itself when a file, its *.yaml/*.yml files when a directory. */
async function runbookFiles(absolute: string, file: string): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  let info;
  try {
    info = await stat(absolute);
  } catch {
    return { files: [], diagnostics: [notFound(file, 'runbook path')] };
  }
  if (!info.isDirectory()) return { files: [absolute], diagnostics: [] };
  const entries = await readdir(absolute, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && RUNBOOK_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(absolute, e.name))
    .sort();
  if (files.length > 0) return { files, diagnostics: [] };
  return {
    files,
    diagnostics: [
      fileDiagnostic('no-runbooks', file, `directory ${file} holds no runbook (*.yaml or *.yml)`, 'Pass the runbook with -f <file>, or add one to the directory (drctl init writes one).'),
    ],
  };
}

/**
 * Reads one file or a directory of runbooks (default ./runbooks under cwd). Duplicate resource names and
 * duplicate runbook names across files are diagnostics: --fs and locks must be unambiguous.
 */
export async function readRunbooks(fileOrDir: string | undefined, cwd: string): Promise<ReadRunbooksResult> {
  const absolute = resolve(cwd, fileOrDir ?? DEFAULT_RUNBOOK_DIR);
  const listing = await runbookFiles(absolute, displayPath(absolute, cwd));
  const diagnostics = [...listing.diagnostics];
  const loaded: LoadedRunbook[] = [];
  const texts = new Map<string, string>();
  for (const path of listing.files) {
    const file = displayPath(path, cwd);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      diagnostics.push(fileDiagnostic('file-unreadable', file, `cannot read runbook ${file}: ${(err as Error).message}`, 'Check the file permissions.'));
      continue;
    }
    const result = parseRunbook(text, file);
    if (!result.ok) {
      diagnostics.push(...result.diagnostics);
      continue;
    }
    diagnostics.push(...result.warnings);
    texts.set(file, text);
    const name = result.runbook.name ?? basename(path, extname(path));
    loaded.push({ file, path, runbook: result.runbook, digest: result.digest, name });
  }
  diagnostics.push(...validateAcrossRunbooks(loaded, texts));
  return { loaded, diagnostics };
}

/** Cross-file rules: a resource name (what --fs selects) and a runbook name (locks, state) are unique. */
export function validateAcrossRunbooks(loaded: readonly LoadedRunbook[], texts: ReadonlyMap<string, string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (rb: LoadedRunbook, path: string[], target: 'key' | 'value') => {
    const text = texts.get(rb.file);
    return text === undefined ? { line: 1, col: 1 } : locateInText(text, path, target);
  };
  const resourceOwner = new Map<string, LoadedRunbook>();
  const runbookByName = new Map<string, LoadedRunbook>();
  for (const rb of loaded) {
    for (const resourceName of Object.keys(rb.runbook.filesystems)) {
      const first = resourceOwner.get(resourceName);
      if (!first) {
        resourceOwner.set(resourceName, rb);
        continue;
      }
      const path = ['filesystems', resourceName];
      diagnostics.push({
        code: 'duplicate-resource',
        severity: 'error',
        file: rb.file,
        ...at(rb, path, 'key'),
        path,
        message: `resource '${resourceName}' is declared in ${first.file} and again in ${rb.file}`,
        hint: 'A name selects one resource with --fs: rename one of them, or keep the runbooks in separate directories and pass -f.',
      });
    }
    const other = runbookByName.get(rb.name);
    if (!other) {
      runbookByName.set(rb.name, rb);
      continue;
    }
    const explicit = rb.runbook.name !== undefined;
    diagnostics.push({
      code: 'duplicate-runbook-name',
      severity: 'error',
      file: rb.file,
      ...(explicit ? at(rb, ['name'], 'value') : { line: 1, col: 1 }),
      path: explicit ? ['name'] : [],
      message: `runbook name '${rb.name}' is used by ${other.file} and ${rb.file}`,
      hint: 'The name keys the run lock and state: give each runbook its own `name:`.',
    });
  }
  return diagnostics;
}
