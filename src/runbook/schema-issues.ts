/**
 * Turns zod issues into operator language: "unknown key 'replicaton' in filesystems.efs-prod" with
 * "did you mean 'replication'?", unknown step kinds with the list of known ones, missing fields with an
 * example of how to write them, wrong formats with the format expected.
 */
import { z } from 'zod';
import { renderPath, type Finding } from './diagnostics.js';
import { allowedKeys, fieldHelp, schemaAt } from './schema-walk.js';
import { closestMatch, didYouMean, quoteList } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

export interface IssueContext {
  /** The schema the data was validated against (for allowed keys and field help). */
  schema: z.core.$ZodType;
  /** The data as read from YAML. */
  data: unknown;
  /** Names of the registered step kinds, for unknown-kind messages. */
  stepKinds: readonly string[];
}

export function findingsFromIssues(issues: readonly Issue[], ctx: IssueContext): Finding[] {
  return issues.flatMap((issue) => findingsFromIssue(issue, ctx));
}

function findingsFromIssue(issue: Issue, ctx: IssueContext): Finding[] {
  const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey(ctx, path, key));
    case 'invalid_key':
      return [invalidKey(issue, path)];
    case 'invalid_union':
      return invalidUnion(issue, path, ctx);
    case 'invalid_type':
      return [invalidType(issue, path, ctx)];
    case 'invalid_format':
      return [invalidFormat(issue, path, ctx)];
    case 'invalid_value':
      return [invalidValue(issue, path, ctx)];
    case 'too_small':
    case 'too_big':
      return [outOfRange(issue, path, ctx)];
    default:
      return [
        {
          code: 'invalid-value',
          path,
          message: `${renderPath(path)}: ${issue.message}`,
          hint: helpHint(ctx, path) || 'Correct the value.',
        },
      ];
  }
}

function valueAt(data: unknown, path: readonly (string | number)[]): { present: boolean; value: unknown } {
  let node: unknown = data;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !(segment in node)) return { present: false, value: undefined };
    node = (node as Record<string | number, unknown>)[segment];
  }
  return { present: true, value: node };
}

/** "a number (111111111111)", "text ('abc')", "a list" — what the YAML holds, for messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ('${value.length > 60 ? `${value.slice(0, 57)}...` : value}')`;
  if (typeof value === 'boolean') return `${value} (true/false)`;
  return `a number (${String(value)})`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (indented key: value lines)',
  array: 'a list (lines starting with "- ")',
};

const PROCEDURE_KEYS = new Set(['failover', 'failback', 'preserve', 'discard']);

/** " (step 'promote')" when the path is inside a step, so messages name the step as well as the index. */
function stepLabel(ctx: IssueContext, path: Path): string {
  let stepEnd = -1;
  path.forEach((segment, i) => {
    if (typeof segment === 'number' && PROCEDURE_KEYS.has(String(path[i - 1]))) stepEnd = i + 1;
  });
  if (stepEnd < 0) return '';
  const step = valueAt(ctx.data, path.slice(0, stepEnd)).value;
  const id = typeof step === 'object' && step !== null ? (step as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? ` (step '${id}')` : '';
}

function helpHint(ctx: IssueContext, path: Path): string {
  const help = fieldHelp(ctx.schema, ctx.data, path);
  const parts: string[] = [];
  if (help.description) parts.push(help.description);
  if (help.example !== undefined) parts.push(`Example: ${String(path[path.length - 1])}: ${JSON.stringify(help.example)}`);
  return parts.join(' ');
}

function unknownKey(ctx: IssueContext, path: Path, key: string): Finding {
  const allowed = allowedKeys(ctx.schema, ctx.data, path);
  const suggestion = closestMatch(key, allowed);
  const listed = allowed.length > 0 ? `Keys allowed here: ${allowed.join(', ')}.` : 'Remove it.';
  return {
    code: 'unknown-key',
    path: [...path, key],
    at: 'key',
    message: `unknown key '${key}' in ${renderPath(path)}${stepLabel(ctx, path)}`,
    hint: suggestion ? `did you mean '${suggestion}'? ${listed}` : listed,
  };
}

function invalidKey(issue: Extract<Issue, { code: 'invalid_key' }>, path: Path): Finding {
  const key = String(path[path.length - 1]);
  const reason = issue.issues[0]?.message ?? issue.message;
  const collection = String(path[path.length - 2] ?? 'this mapping');
  return {
    code: 'invalid-name',
    path,
    at: 'key',
    message: `'${key}' is not a valid name in ${collection}: ${reason}`,
    hint: `Rename it, e.g. '${key.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '') || 'name'}'; names are used in --fs, locks and state files.`,
  };
}

function invalidUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: Path, ctx: IssueContext): Finding[] {
  const discriminator = (issue as { discriminator?: string }).discriminator;
  const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
  if (discriminator) {
    const owner = path[path.length - 1] === discriminator ? path.slice(0, -1) : path;
    const { present, value } = valueAt(ctx.data, [...owner, discriminator]);
    const isStep = discriminator === 'uses';
    const known = isStep && ctx.stepKinds.length > 0 ? [...ctx.stepKinds] : options;
    const what = isStep ? 'step kind' : 'resource type';
    if (!present || value === null) {
      return [
        {
          code: 'missing-field',
          path: [...owner, discriminator],
          at: 'owner',
          message: `${renderPath(owner)}${stepLabel(ctx, owner)} has no '${discriminator}': it must name the ${what}`,
          hint: `Add '${discriminator}: <${what}>'. Known ${what}s: ${known.join(', ')}.`,
        },
      ];
    }
    return [
      {
        code: isStep ? 'unknown-step-kind' : 'unknown-resource-type',
        path: [...owner, discriminator],
        message: `unknown ${what} '${String(value)}' in ${renderPath(owner)}${stepLabel(ctx, owner)}`,
        hint: `${didYouMean(String(value), known)}Known ${what}s: ${known.join(', ')}.`,
      },
    ];
  }
  // A plain union (failback: a list of steps, or per-mode lists): report the branch matching the data's shape.
  const { value } = valueAt(ctx.data, path);
  const branches = issue.errors;
  const wantsList = Array.isArray(value);
  const wantsMap = typeof value === 'object' && value !== null && !wantsList;
  if (wantsList || wantsMap) {
    const chosen = branches.find((errors) => !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
    if (chosen) {
      return chosen.flatMap((nested) => findingsFromIssue({ ...nested, path: [...path, ...nested.path] } as Issue, ctx));
    }
  }
  return [
    {
      code: 'invalid-type',
      path,
      message: `${renderPath(path)} has ${describeValue(value)}, which is not one of the accepted forms`,
      hint: helpHint(ctx, path) || 'See docs/runbook-format.md for the accepted forms.',
    },
  ];
}

function invalidType(issue: Extract<Issue, { code: 'invalid_type' }>, path: Path, ctx: IssueContext): Finding {
  const { present, value } = valueAt(ctx.data, path);
  const field = String(path[path.length - 1] ?? 'runbook');
  const owner = path.slice(0, -1);
  if (path.length === 0 && (value === null || value === undefined || !present)) {
    return {
      code: 'empty-runbook',
      path,
      message: 'the runbook is empty',
      hint: 'Start from runbooks/efs-prod.yaml or run `drctl init`; a runbook needs version, accounts and filesystems.',
    };
  }
  if (!present || value === null || value === undefined) {
    const ownerName = owner.length === 0 ? 'the runbook' : renderPath(owner);
    return {
      code: 'missing-field',
      path,
      at: 'owner',
      message: present ? `${renderPath(path)} has no value` : `${ownerName}${stepLabel(ctx, owner)} is missing required field '${field}'`,
      hint: `Add '${field}:' ${owner.length === 0 ? 'at the top level' : `under ${ownerName}`}. ${helpHint(ctx, path)}`.trim(),
    };
  }
  const expected = EXPECTED[issue.expected] ?? issue.expected;
  let hint = helpHint(ctx, path);
  if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') && validAsText(ctx, path, value)) {
    hint = `Put the value in quotes so YAML reads it as text: ${field}: '${String(value)}'. ${hint}`;
  }
  return {
    code: 'invalid-type',
    path,
    message: `${renderPath(path)} must be ${expected}, but is ${describeValue(value)}`,
    hint: hint.trim() || `Write ${expected} here.`,
  };
}

/** Whether the number or boolean YAML read would be accepted written as text (e.g. an unquoted account id). */
function validAsText(ctx: IssueContext, path: Path, value: unknown): boolean {
  const schema = schemaAt(ctx.schema, ctx.data, path);
  return schema !== undefined && z.safeParse(schema, String(value)).success;
}

function invalidFormat(issue: Extract<Issue, { code: 'invalid_format' }>, path: Path, ctx: IssueContext): Finding {
  const { value } = valueAt(ctx.data, path);
  const help = fieldHelp(ctx.schema, ctx.data, path);
  const example = help.example !== undefined ? `Example: ${JSON.stringify(help.example)}.` : '';
  return {
    code: 'invalid-format',
    path,
    message: `${renderPath(path)}: '${String(value)}' is not valid: ${issue.message}`,
    hint: [help.description, example].filter(Boolean).join(' ') || 'Correct the value.',
  };
}

function invalidValue(issue: Extract<Issue, { code: 'invalid_value' }>, path: Path, ctx: IssueContext): Finding {
  const { value } = valueAt(ctx.data, path);
  const allowed = issue.values.map((v) => String(v));
  return {
    code: 'invalid-value',
    path,
    message: `${renderPath(path)}: ${describeValue(value)} is not allowed; expected ${allowed.length === 1 ? quoteList(allowed) : `one of ${quoteList(allowed)}`}`,
    hint: `${allowed.length > 1 ? didYouMean(String(value), allowed) : ''}${helpHint(ctx, path)}`.trim() || `Use ${quoteList(allowed)}.`,
  };
}

function outOfRange(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, path: Path, ctx: IssueContext): Finding {
  const { value } = valueAt(ctx.data, path);
  const small = issue.code === 'too_small';
  const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const bound = `${small ? 'at least' : 'at most'} ${String(limit)}`;
  const measured =
    issue.origin === 'array' ? `${bound} item(s), but has ${Array.isArray(value) ? value.length : 0}` :
    issue.origin === 'string' ? `${bound} characters long` :
    `${bound}, but is ${String(value)}`;
  return {
    code: 'out-of-range',
    path,
    message: `${renderPath(path)} must be ${measured}`,
    hint: helpHint(ctx, path) || 'Correct the value.',
  };
}
