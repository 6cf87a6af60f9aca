/**
 * A small XML writer for awsQuery and restXml responses. Build elements with `el()` (or from plain objects with
 * `xmlFromObject()`) and render with `renderXml()`. Text is always escaped; `undefined`/`null` children vanish so
 * optional members can be written inline.
 */
export type XmlScalar = string | number | boolean | Date;
export type XmlChild = XmlElement | XmlScalar | undefined | null | XmlChild[];

export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlChild[];
}

export function el(name: string, ...children: XmlChild[]): XmlElement {
  return { name, attributes: {}, children };
}

export function elWithAttributes(name: string, attributes: Record<string, string>, ...children: XmlChild[]): XmlElement {
  return { name, attributes, children };
}

/** Only when `value` is defined: `<name>value</name>`; handy for optional members. */
export function optionalEl(name: string, value: XmlScalar | XmlElement | undefined | null): XmlElement | undefined {
  return value === undefined || value === null ? undefined : el(name, value);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Timestamps in XML bodies are ISO 8601 with milliseconds and `Z`. */
export function renderScalar(value: XmlScalar): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export function renderXml(root: XmlElement, options: { declaration?: boolean } = {}): string {
  const parts: string[] = [];
  if (options.declaration ?? true) parts.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeElement(root, parts);
  return parts.join('');
}

function writeElement(node: XmlElement, parts: string[]): void {
  const attrs = Object.entries(node.attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const start = parts.length;
  parts.push(`<${node.name}${attrs}>`);
  const before = parts.length;
  writeChildren(node.children, parts);
  if (parts.length === before) parts[start] = `<${node.name}${attrs}/>`;
  else parts.push(`</${node.name}>`);
}

function writeChildren(children: XmlChild[], parts: string[]): void {
  for (const child of children) {
    if (child === undefined || child === null) continue;
    if (Array.isArray(child)) writeChildren(child, parts);
    else if (typeof child === 'object' && !(child instanceof Date)) writeElement(child, parts);
    else parts.push(escapeXml(renderScalar(child)));
  }
}

export interface XmlFromObjectOptions {
  /** How lists are written: wrapped in `<member>` elements (awsQuery, default) or flattened (repeated element). */
  lists?: 'member' | 'flattened';
}

/**
 * Converts a plain object to elements: keys become element names, nested objects nest, arrays become `<member>`
 * lists (or repeated elements when flattened), undefined members are skipped.
 */
export function xmlFromObject(name: string, value: unknown, options: XmlFromObjectOptions = {}): XmlElement | XmlElement[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => xmlFromObject(options.lists === 'flattened' ? name : 'member', item, options));
    const flat = items.flat().filter((x): x is XmlElement => x !== undefined);
    return options.lists === 'flattened' ? flat : el(name, ...flat);
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    const children = Object.entries(value as Record<string, unknown>).map(([k, v]) => xmlFromObject(k, v, options));
    return el(name, ...children);
  }
  return el(name, value as XmlScalar);
}
