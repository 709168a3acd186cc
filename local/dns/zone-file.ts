/**
 * A reader for the RFC 1035 master-file subset the local environment and its DNS team write:
 * `$ORIGIN`, `$TTL`, owner inheritance, `@`, relative names, parentheses over several lines,
 * `;` comments, quoted character-strings with `\"`, `\\` and `\DDD` escapes, and the types SOA,
 * NS, A, AAAA, CNAME and TXT. The same files are served by Knot in the DNS tests, so one zone
 * file drives both servers.
 *
 * Why not a library: the zone-file packages on npm (dns-zonefile, dnsz) either drop the boundaries
 * between TXT character-strings, which are exactly what we must test, or are unmaintained.
 */

/** One resource record. TXT data keeps its character-strings as written. */
export type ZoneRecord =
  | {
      readonly name: string;
      readonly ttl: number;
      readonly type: 'A' | 'AAAA' | 'NS' | 'CNAME';
      readonly data: string;
    }
  | { readonly name: string; readonly ttl: number; readonly type: 'TXT'; readonly data: readonly Buffer[] }
  | {
      readonly name: string;
      readonly ttl: number;
      readonly type: 'SOA';
      readonly data: {
        readonly mname: string;
        readonly rname: string;
        readonly serial: number;
        readonly refresh: number;
        readonly retry: number;
        readonly expire: number;
        readonly minimum: number;
      };
    };

/** A parsed zone: its apex and records (names absolute, lower case, no trailing dot). */
export interface Zone {
  readonly origin: string;
  readonly records: readonly ZoneRecord[];
}

/** A zone file line that cannot be read. */
export class ZoneFileError extends Error {
  override readonly name = 'ZoneFileError';
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

/** Splits master-file text into logical lines of tokens (parentheses joined, comments removed). */
function tokenize(text: string): Array<{ tokens: Token[]; indented: boolean; line: number }> {
  const lines: Array<{ tokens: Token[]; indented: boolean; line: number }> = [];
  let current: Token[] = [];
  let indented = false;
  let depth = 0;
  let lineNumber = 1;
  let startLine = 1;
  let index = 0;
  let atLineStart = true;
  const flush = () => {
    if (current.length > 0) lines.push({ tokens: current, indented, line: startLine });
    current = [];
  };
  while (index < text.length) {
    const char = text[index] ?? '';
    if (atLineStart && depth === 0) {
      indented = char === ' ' || char === '\t';
      startLine = lineNumber;
      atLineStart = false;
    }
    if (char === '\n') {
      lineNumber += 1;
      index += 1;
      if (depth === 0) {
        flush();
        atLineStart = true;
      }
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      index += 1;
      continue;
    }
    if (char === ';') {
      while (index < text.length && text[index] !== '\n') index += 1;
      continue;
    }
    if (char === '(') {
      depth += 1;
      index += 1;
      continue;
    }
    if (char === ')') {
      if (depth === 0) throw new ZoneFileError(`line ${lineNumber}: ")" without "("`);
      depth -= 1;
      index += 1;
      continue;
    }
    if (char === '"') {
      let value = '';
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\') {
          const digits = text.slice(index + 1, index + 4);
          if (/^\d{3}$/.test(digits)) {
            value += String.fromCharCode(Number(digits));
            index += 4;
          } else {
            value += text[index + 1] ?? '';
            index += 2;
          }
        } else {
          if (text[index] === '\n') lineNumber += 1;
          value += text[index];
          index += 1;
        }
      }
      if (index >= text.length) throw new ZoneFileError(`line ${lineNumber}: unterminated quoted string`);
      index += 1;
      current.push({ text: value, quoted: true });
      continue;
    }
    let word = '';
    while (index < text.length && !/[\s;()"]/.test(text[index] ?? '')) {
      word += text[index];
      index += 1;
    }
    current.push({ text: word, quoted: false });
  }
  if (depth !== 0) throw new ZoneFileError('unbalanced parentheses at end of file');
  flush();
  return lines;
}

const CLASSES = new Set(['IN', 'CH', 'HS']);
const TYPES = new Set(['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'TXT']);

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return origin === '' ? name.toLowerCase() : `${name}.${origin}`.toLowerCase();
}

function parseTtl(text: string, line: number): number {
  if (!/^\d+$/.test(text)) throw new ZoneFileError(`line ${line}: TTL "${text}" is not a number of seconds`);
  return Number(text);
}

/**
 * Parses a zone file.
 * @param defaultOrigin origin used until a `$ORIGIN` line (the zone's apex).
 * @throws ZoneFileError naming the line.
 */
export function parseZoneFile(text: string, defaultOrigin: string): Zone {
  let origin = absolute(defaultOrigin.endsWith('.') ? defaultOrigin : `${defaultOrigin}.`, '');
  const zoneOrigin = origin;
  let defaultTtl = 3600;
  let previousOwner: string | undefined;
  const records: ZoneRecord[] = [];
  for (const { tokens, indented, line } of tokenize(text)) {
    const words = [...tokens];
    const first = words[0];
    if (first && !first.quoted && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      const argument = words[1]?.text ?? '';
      if (directive === '$ORIGIN') origin = absolute(argument.endsWith('.') ? argument : `${argument}.`, '');
      else if (directive === '$TTL') defaultTtl = parseTtl(argument, line);
      else throw new ZoneFileError(`line ${line}: unsupported directive ${first.text}`);
      continue;
    }
    let owner: string;
    if (indented) {
      if (previousOwner === undefined) throw new ZoneFileError(`line ${line}: record without an owner name`);
      owner = previousOwner;
    } else {
      owner = absolute(words.shift()?.text ?? '', origin);
    }
    previousOwner = owner;
    let ttl = defaultTtl;
    let type: string | undefined;
    while (words.length > 0 && type === undefined) {
      const word = (words.shift() as Token).text;
      if (/^\d+$/.test(word)) ttl = parseTtl(word, line);
      else if (CLASSES.has(word.toUpperCase())) continue;
      else type = word.toUpperCase();
    }
    if (type === undefined || !TYPES.has(type)) {
      throw new ZoneFileError(`line ${line}: unsupported or missing record type "${type ?? ''}"`);
    }
    records.push(buildRecord(owner, ttl, type, words, origin, line));
  }
  if (!records.some((record) => record.type === 'SOA' && record.name === zoneOrigin)) {
    throw new ZoneFileError(`the zone ${zoneOrigin} has no SOA record at its apex`);
  }
  return { origin: zoneOrigin, records };
}

function buildRecord(
  name: string,
  ttl: number,
  type: string,
  words: Token[],
  origin: string,
  line: number,
): ZoneRecord {
  const need = (count: number) => {
    if (words.length < count) throw new ZoneFileError(`line ${line}: ${type} needs ${count} field(s)`);
  };
  switch (type) {
    case 'TXT':
      need(1);
      return { name, ttl, type, data: words.map((word) => Buffer.from(word.text, 'latin1')) };
    case 'SOA': {
      need(7);
      const [mname, rname, ...numbers] = words.map((word) => word.text);
      const [serial, refresh, retry, expire, minimum] = numbers.map((value) => parseTtl(value, line));
      return {
        name,
        ttl,
        type,
        data: {
          mname: absolute(mname ?? '', origin),
          rname: absolute(rname ?? '', origin),
          serial: serial ?? 0,
          refresh: refresh ?? 0,
          retry: retry ?? 0,
          expire: expire ?? 0,
          minimum: minimum ?? 0,
        },
      };
    }
    case 'NS':
    case 'CNAME':
      need(1);
      return { name, ttl, type, data: absolute(words[0]?.text ?? '', origin) };
    default:
      need(1);
      return { name, ttl, type: type as 'A' | 'AAAA', data: words[0]?.text ?? '' };
  }
}
