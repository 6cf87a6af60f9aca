/**
 * A small XML reader for the request bodies the sandbox accepts (S3 PutBucketReplication/PutBucketVersioning,
 * CreateBucket, S3 Control CreateJob). Those bodies are machine-written by SDKs and CLIs: elements, text, entity
 * references, CDATA, comments and the XML declaration. Namespaces are kept in the name but ignored by the lookups,
 * which match on the local name. Anything else is a syntax error, which services answer with `MalformedXML`.
 */
export interface XmlNode {
  /** The local name (namespace prefix removed). */
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** Concatenated text directly inside this element (not its children's), entities decoded, untrimmed. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, offset: number): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlSyntaxError("bare '&' in text", offset);
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = NAMED_ENTITIES[ref];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`, offset);
    return named;
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parses a whole document and returns its root element. Throws XmlSyntaxError on anything malformed. */
export function parseXml(source: string): XmlNode {
  let pos = 0;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;

  const skipUntil = (terminator: string): void => {
    const end = source.indexOf(terminator, pos);
    if (end === -1) throw new XmlSyntaxError(`missing '${terminator}'`, pos);
    pos = end + terminator.length;
  };

  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decodeEntities(raw, pos);
      else if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element', pos);
      pos = textEnd;
      continue;
    }
    if (source.startsWith('<?', pos)) {
      skipUntil('?>');
    } else if (source.startsWith('<!--', pos)) {
      skipUntil('-->');
    } else if (source.startsWith('<![CDATA[', pos)) {
      const parent = stack[stack.length - 1];
      if (!parent) throw new XmlSyntaxError('CDATA outside the root element', pos);
      const start = pos + 9;
      skipUntil(']]>');
      parent.text += source.slice(start, pos - 3);
    } else if (source.startsWith('<!', pos)) {
      throw new XmlSyntaxError('DOCTYPE and other declarations are not accepted', pos);
    } else if (source.startsWith('</', pos)) {
      NAME.lastIndex = pos + 2;
      const match = NAME.exec(source);
      if (!match) throw new XmlSyntaxError('bad closing tag', pos);
      const open = stack.pop();
      if (!open || open.name !== localName(match[0])) {
        throw new XmlSyntaxError(`closing tag </${match[0]}> does not match <${open?.name ?? '(none)'}>`, pos);
      }
      pos = NAME.lastIndex;
      while (/\s/.test(source[pos] ?? '')) pos += 1;
      if (source[pos] !== '>') throw new XmlSyntaxError("expected '>'", pos);
      pos += 1;
    } else {
      NAME.lastIndex = pos + 1;
      const match = NAME.exec(source);
      if (!match) throw new XmlSyntaxError('bad start tag', pos);
      pos = NAME.lastIndex;
      const node: XmlNode = { name: localName(match[0]), attributes: {}, children: [], text: '' };
      for (;;) {
        ATTRIBUTE.lastIndex = pos;
        const attr = ATTRIBUTE.exec(source);
        if (!attr) break;
        node.attributes[attr[1] ?? ''] = decodeEntities(attr[3] ?? attr[4] ?? '', pos);
        pos = ATTRIBUTE.lastIndex;
      }
      while (/\s/.test(source[pos] ?? '')) pos += 1;
      const selfClosing = source.startsWith('/>', pos);
      if (!selfClosing && source[pos] !== '>') throw new XmlSyntaxError(`malformed tag <${match[0]}>`, pos);
      pos += selfClosing ? 2 : 1;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else if (root) throw new XmlSyntaxError('more than one root element', pos);
      else root = node;
      if (!selfClosing) stack.push(node);
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`unclosed element <${stack[stack.length - 1]?.name}>`, pos);
  if (!root) throw new XmlSyntaxError('no root element', 0);
  return root;
}

/** The first child element with this local name. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** Every child element with this local name (flattened lists, or `<member>` items). */
export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** Trimmed text of the first child with this name; undefined when the child is absent. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  const found = child(node, name);
  return found ? found.text.trim() : undefined;
}

/** A child holding `true`/`false`; undefined when absent. Anything else is a syntax error for the caller. */
export function childBoolean(node: XmlNode | undefined, name: string): boolean | undefined {
  const text = childText(node, name);
  if (text === undefined) return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new XmlSyntaxError(`<${name}> must be true or false, not '${text}'`, 0);
}

/** A child holding an integer; undefined when absent. */
export function childInteger(node: XmlNode | undefined, name: string): number | undefined {
  const text = childText(node, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new XmlSyntaxError(`<${name}> must be an integer, not '${text}'`, 0);
  return Number(text);
}

/** Texts of the `<member>` items of a wrapped list (S3 Control style), or of repeated elements when flattened. */
export function listTexts(node: XmlNode | undefined, itemName = 'member'): string[] {
  return childrenNamed(node, itemName).map((c) => c.text.trim());
}
