/**
 * A small, strict XML well-formedness checker for the JUnit tests: one root, matched tags, quoted unique
 * attributes, only the five predefined or numeric entity references, no raw `<` or `&` in text or attribute
 * values, no characters XML 1.0 forbids. Returns the element tree with attribute values and text decoded.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const DECODE: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const ch = raw[i] as string;
    if (ch === '<') throw new Error(`raw '<' in ${where}`);
    if (ch !== '&') {
      out += ch;
      i += 1;
      continue;
    }
    const match = ENTITY.exec(raw.slice(i));
    if (!match?.[1]) throw new Error(`bad entity reference in ${where}: ${raw.slice(i, i + 12)}`);
    const ref = match[1];
    out += ref.startsWith('#x') ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : DECODE[ref];
    i += match[0].length;
  }
  return out;
}

export function parseXml(text: string): XmlElement {
  if (FORBIDDEN.test(text)) throw new Error('character not allowed in XML 1.0');
  let pos = 0;
  const rest = () => text.slice(pos);
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos += 1;
  };
  if (rest().startsWith('<?xml')) {
    const end = text.indexOf('?>', pos);
    if (end < 0) throw new Error('unterminated XML declaration');
    pos = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (;;) {
    const next = text.indexOf('<', pos);
    const chunk = next < 0 ? rest() : text.slice(pos, next);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(chunk, `text of <${top.name}>`);
    else if (chunk.trim() !== '') throw new Error(`text outside the root element: ${chunk.trim().slice(0, 20)}`);
    if (next < 0) break;
    pos = next;
    if (rest().startsWith('<!--')) {
      const end = text.indexOf('-->', pos);
      if (end < 0) throw new Error('unterminated comment');
      pos = end + 3;
      continue;
    }
    if (rest().startsWith('</')) {
      pos += 2;
      const name = NAME.exec(rest())?.[0];
      const open = stack.pop();
      if (!name || !open || open.name !== name) throw new Error(`closing </${name}> does not match <${open?.name}>`);
      pos += name.length;
      skipSpace();
      if (text[pos] !== '>') throw new Error(`malformed closing tag </${name}`);
      pos += 1;
      continue;
    }
    pos += 1;
    const name = NAME.exec(rest())?.[0];
    if (!name) throw new Error(`bad tag name at ${pos}`);
    pos += name.length;
    const element: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (rest().startsWith('/>') || text[pos] === '>') break;
      const attr = NAME.exec(rest())?.[0];
      if (!attr) throw new Error(`bad attribute in <${name}> at ${pos}: ${rest().slice(0, 20)}`);
      pos += attr.length;
      skipSpace();
      if (text[pos] !== '=') throw new Error(`attribute ${attr} of <${name}> has no value`);
      pos += 1;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") throw new Error(`attribute ${attr} of <${name}> is not quoted`);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) throw new Error(`unterminated attribute ${attr}`);
      if (Object.hasOwn(element.attrs, attr)) throw new Error(`duplicate attribute ${attr} in <${name}>`);
      element.attrs[attr] = decode(text.slice(pos + 1, end), `attribute ${attr} of <${name}>`);
      pos = end + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error(`second root element <${name}>`);
    else root = element;
    if (rest().startsWith('/>')) pos += 2;
    else {
      pos += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.map((e) => e.name).join('>, <')}>`);
  if (!root) throw new Error('no root element');
  return root;
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}
