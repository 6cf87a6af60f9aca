/**
 * The reference part of docs/runbook-format.md, generated from the JSON Schema (itself generated from the zod
 * schema) and from the rule list, so the documentation cannot drift from what drctl accepts.
 */
import { DURATION_PATTERN } from '../util/duration.js';
import { renderJsonSchema } from './json-schema.js';
import { RULES } from './rules/index.js';

type JsonSchema = Record<string, unknown>;

interface FieldRow {
  field: string;
  type: string;
  required: boolean;
  defaultValue?: unknown;
  description: string;
}

/** Diagnostic codes reported by the loader itself (the rules' codes come from RULES). */
export const LOADER_CODES: ReadonlyArray<[code: string, meaning: string]> = [
  ['yaml-syntax', 'The file is not valid YAML (bad indentation, tabs, unclosed quote, duplicate key, several documents). Nothing else is checked until it parses.'],
  ['empty-runbook', 'The file holds no YAML document.'],
  ['unknown-key', 'A key the format does not have here (often a typo: the hint suggests the key meant and lists the allowed keys).'],
  ['missing-field', 'A required field is absent, or has no value.'],
  ['invalid-type', 'A value of the wrong type, e.g. an unquoted account id that YAML read as a number.'],
  ['invalid-format', 'A value in the wrong format: account id, region, role ARN, file system id, bucket name, duration.'],
  ['invalid-value', 'A value outside the allowed set (e.g. `version` other than 1).'],
  ['invalid-name', 'An account or resource name that is not lowercase letters, digits, `-` and `_`.'],
  ['out-of-range', 'A number, list or text too small or too large (e.g. an empty step list, `parallel` above 256).'],
  ['unknown-step-kind', "`uses:` names no registered step kind (the hint lists them, with the closest match)."],
  ['unknown-resource-type', '`type:` is not efs, fsx-lustre or s3.'],
  ['file-not-found', 'The runbook file or directory (-f, default ./runbooks) does not exist.'],
  ['file-unreadable', 'The runbook file exists but cannot be read.'],
  ['no-runbooks', 'The runbook directory holds no *.yaml or *.yml file.'],
  ['duplicate-resource', 'Two runbooks of the directory declare the same resource name, so --fs would be ambiguous.'],
  ['duplicate-runbook-name', 'Two runbooks of the directory have the same name, so they would share a lock and state.'],
  ['internal-rule-error', 'A rule crashed: a drctl bug, please report it.'],
];

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function refName(node: JsonSchema): string | undefined {
  return typeof node.$ref === 'string' ? node.$ref.replace('#/$defs/', '') : undefined;
}

/** Follows a $ref, keeping the description written beside it. */
function resolve(node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const name = refName(node);
  if (!name) return node;
  const { $ref: _ref, ...beside } = node;
  return { ...resolve(defs[name] ?? {}, defs), ...beside };
}

function typeLabel(raw: JsonSchema, defs: Record<string, JsonSchema>): string {
  const ref = refName(raw);
  if (ref === 'Procedure') return 'list of steps';
  const node = resolve(raw, defs);
  const union = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map((option) => typeLabel(option, defs)).join(', or ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.type === 'array') {
    const items = (node.items ?? {}) as JsonSchema;
    const itemRef = refName(items);
    return `list of ${itemRef === 'Step' ? 'steps' : typeLabel(items, defs)}`;
  }
  if (node.type === 'string' && node.pattern === DURATION_PATTERN) return 'duration';
  if (node.type === 'object' && !node.properties && typeof node.additionalProperties === 'object') {
    const values = node.additionalProperties as JsonSchema;
    const valueRef = refName(values);
    if (valueRef) return `mapping: name → ${valueRef.toLowerCase()}`;
    return values.oneOf || values.anyOf ? 'mapping: name → resource' : `mapping of ${typeLabel(values, defs)}`;
  }
  if (node.type === 'object') return 'mapping';
  return typeof node.type === 'string' ? node.type : 'any';
}

/** Rows for every field under `node`, depth first, with dotted paths (`<name>` for map keys). */
function fieldRows(raw: JsonSchema, prefix: string, defs: Record<string, JsonSchema>): FieldRow[] {
  const node = resolve(raw, defs);
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((node.required ?? []) as string[]);
  const rows: FieldRow[] = [];
  for (const [key, childRaw] of Object.entries(properties)) {
    const child = resolve(childRaw, defs);
    const field = `${prefix}${key}`;
    rows.push({
      field,
      type: typeLabel(childRaw, defs),
      required: required.has(key),
      defaultValue: child.default,
      description: typeof child.description === 'string' ? child.description : '',
    });
    if (refName(childRaw) === 'Procedure' || child.anyOf || child.oneOf) continue;
    if (child.type === 'object' && child.properties) rows.push(...fieldRows(child, `${field}.`, defs));
    const items = child.type === 'array' ? resolve((child.items ?? {}) as JsonSchema, defs) : undefined;
    if (items?.type === 'object' && items.properties) rows.push(...fieldRows(items, `${field}[].`, defs));
  }
  return rows;
}

function table(rows: FieldRow[]): string {
  const lines = ['| Field | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const defaultValue = row.defaultValue === undefined ? '' : `\`${JSON.stringify(row.defaultValue)}\``;
    lines.push(`| \`${row.field}\` | ${row.type} | ${row.required ? 'yes' : ''} | ${escapeCell(defaultValue)} | ${escapeCell(row.description)} |`);
  }
  return lines.join('\n');
}

function section(title: string, intro: string, rows: FieldRow[]): string {
  return [`### ${title}`, '', ...(intro ? [intro, ''] : []), table(rows)].join('\n');
}

/** When both sides share one shape, lists its fields once as `<side>.field` instead of twice. */
function mergeSides(rows: FieldRow[]): FieldRow[] {
  const primary = rows.filter((r) => r.field.startsWith('primary.'));
  const secondary = rows.filter((r) => r.field.startsWith('secondary.'));
  const same =
    primary.length === secondary.length &&
    primary.every((r, i) => {
      const other = secondary[i];
      return other !== undefined && other.field.slice('secondary.'.length) === r.field.slice('primary.'.length) && other.type === r.type && other.description === r.description;
    });
  if (!same) return rows;
  const sideRows = primary.map((r) => ({ ...r, field: `<side>.${r.field.slice('primary.'.length)}` }));
  const rest = rows.filter((r) => !r.field.startsWith('primary.') && !r.field.startsWith('secondary.'));
  const sidesEnd = rest.findIndex((r) => r.field === 'secondary') + 1;
  return [...rest.slice(0, sidesEnd), ...sideRows, ...rest.slice(sidesEnd)];
}

export const DOCS_BEGIN = '<!-- BEGIN GENERATED by renderRunbookDocs() in src/runbook/docs.ts: do not edit by hand -->';
export const DOCS_END = '<!-- END GENERATED -->';

/** Replaces the generated block of docs/runbook-format.md with the current reference. */
export function renderRunbookDocsInto(document: string): string {
  const begin = document.indexOf(DOCS_BEGIN);
  const end = document.indexOf(DOCS_END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${DOCS_BEGIN} … ${DOCS_END} block`);
  return `${document.slice(0, begin + DOCS_BEGIN.length)}\n\n${renderRunbookDocs()}\n${document.slice(end)}`;
}

/** The reference: field tables per section and resource type, then every diagnostic code. */
export function renderRunbookDocs(): string {
  const schema = renderJsonSchema();
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const top = fieldRows({ ...schema, properties: Object.fromEntries(Object.entries(properties).filter(([k]) => k !== 'settings')) }, '', defs);
  const account = fieldRows(defs.Account ?? {}, '', defs);
  const settings = fieldRows(properties.settings ?? {}, '', defs);
  const resourceTypes = ((resolve(properties.filesystems ?? {}, defs).additionalProperties ?? {}) as JsonSchema).oneOf as JsonSchema[] | undefined;
  const step = Object.entries(defs).find(([name]) => name.startsWith('Step_'))?.[1] ?? {};
  const envelope = fieldRows(step, '', defs)
    .filter((row) => !row.field.startsWith('with.'))
    .map((row) =>
      row.field === 'uses'
        ? { ...row, type: 'step kind', description: 'The step kind, e.g. `efs.promote`, `approval`, `exec` (see docs/step-kinds.md).' }
        : row.field === 'with'
          ? { ...row, type: 'mapping', description: "The kind's parameters (see docs/step-kinds.md)." }
          : row,
    );

  const parts = [
    '## Reference',
    '',
    section('Top level', '', top),
    '',
    section('`accounts.<name>`', 'Each entry is one AWS account drctl may act in.', account),
    '',
  ];
  for (const resource of resourceTypes ?? []) {
    const type = String(((resource.properties as Record<string, JsonSchema>).type ?? {}).const);
    const rows = mergeSides(fieldRows(resource, '', defs).filter((row) => row.field !== 'type'));
    parts.push(section(`\`filesystems.<name>\` with \`type: ${type}\``, '`<side>` is `primary` or `secondary`.', rows), '');
  }
  parts.push(
    section('Steps (`failover`, `failback` lists)', 'Fields every step has, whatever its kind.', envelope),
    '',
    section('`settings`', 'Engine settings; all optional.', settings),
    '',
    '## Diagnostic codes',
    '',
    'Every problem is reported as `file:line:col  code  message` with a `hint:` line. Codes are stable.',
    '',
    '### Reading and schema',
    '',
    '| Code | Meaning |',
    '| --- | --- |',
    ...LOADER_CODES.map(([code, meaning]) => `| \`${code}\` | ${escapeCell(meaning)} |`),
    '',
    '### Semantic rules',
    '',
    'Checked once the schema accepts the runbook. Warnings are shown but do not stop a run.',
    '',
    '| Code | Severity | Rule |',
    '| --- | --- | --- |',
    ...RULES.map((rule) => `| \`${rule.code}\` | ${rule.severity ?? 'error'} | ${escapeCell(rule.description)} |`),
  );
  return `${parts.join('\n')}\n`;
}
