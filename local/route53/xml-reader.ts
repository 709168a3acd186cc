/**
 * A small, strict XML reader for the request bodies the Route 53 stand-in accepts. The SDK sends
 * plain documents (a declaration, elements, escaped text), so this reads exactly that: elements
 * with attributes (ignored), text, the five predefined entities and character references, CDATA,
 * comments and processing instructions. DTDs are refused, so no entity can expand.
 */

/** An element: its local name (namespace prefix dropped), its child elements and its text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** The element's own text, entities decoded (text between child elements included). */
  readonly text: string;
}

/** Thrown when a body is not well-formed XML. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const END_TAG = /<\/([A-Za-z_][\w.:-]*)\s*>/y;

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function decodeText(raw: string, at: number): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, entity: string) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError(`Unterminated entity near offset ${at}.`);
    const predefined = PREDEFINED[entity];
    if (predefined !== undefined) return predefined;
    const code = /^#x[0-9a-fA-F]+$/.test(entity)
      ? Number.parseInt(entity.slice(2), 16)
      : /^#[0-9]+$/.test(entity)
        ? Number.parseInt(entity.slice(1), 10)
        : Number.NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) {
      throw new XmlSyntaxError(`Unknown entity &${entity}; near offset ${at}.`);
    }
    return String.fromCodePoint(code);
  });
}

interface OpenElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/**
 * Parses a whole document and returns its root element.
 * @throws XmlSyntaxError when the document is not well-formed or holds a DTD.
 */
export function parseXml(document: string): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let position = 0;
  const close = (element: OpenElement): void => {
    const done: XmlElement = { name: element.name, children: element.children, text: element.text };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else if (root) throw new XmlSyntaxError('A document has one root element.');
    else root = done;
  };
  while (position < document.length) {
    const next = document.indexOf('<', position);
    const textEnd = next === -1 ? document.length : next;
    if (textEnd > position) {
      const text = decodeText(document.slice(position, textEnd), position);
      const current = stack[stack.length - 1];
      if (current) current.text += text;
      else if (text.trim() !== '') throw new XmlSyntaxError(`Text outside the root element at ${position}.`);
      position = textEnd;
      continue;
    }
    const skip = (opening: string, closing: string): boolean => {
      if (!document.startsWith(opening, position)) return false;
      const end = document.indexOf(closing, position + opening.length);
      if (end === -1) throw new XmlSyntaxError(`Unterminated ${opening} at ${position}.`);
      position = end + closing.length;
      return true;
    };
    if (document.startsWith('<![CDATA[', position)) {
      const end = document.indexOf(']]>', position);
      const current = stack[stack.length - 1];
      if (end === -1 || !current) throw new XmlSyntaxError(`Misplaced or unterminated CDATA at ${position}.`);
      current.text += document.slice(position + 9, end);
      position = end + 3;
      continue;
    }
    if (document.startsWith('<!DOCTYPE', position) || document.startsWith('<!ENTITY', position)) {
      throw new XmlSyntaxError('DTDs are not accepted.');
    }
    if (skip('<?', '?>') || skip('<!--', '-->')) continue;
    END_TAG.lastIndex = position;
    const end = END_TAG.exec(document);
    if (end) {
      const open = stack.pop();
      if (!open || open.name !== localName(end[1] ?? '')) {
        throw new XmlSyntaxError(`Unexpected </${end[1]}> at ${position}.`);
      }
      close(open);
      position = END_TAG.lastIndex;
      continue;
    }
    START_TAG.lastIndex = position;
    const start = START_TAG.exec(document);
    if (!start) throw new XmlSyntaxError(`Malformed markup at ${position}.`);
    if (!stack.length && root) throw new XmlSyntaxError('A document has one root element.');
    const element: OpenElement = { name: localName(start[1] ?? ''), children: [], text: '' };
    if (start[3] === '/') close(element);
    else stack.push(element);
    position = START_TAG.lastIndex;
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new XmlSyntaxError(`<${unclosed.name}> is not closed.`);
  if (!root) throw new XmlSyntaxError('The document has no root element.');
  return root;
}

/** The first child element called `name`, if any. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element called `name`. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
