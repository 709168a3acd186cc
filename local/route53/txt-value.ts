/**
 * TXT `Value`s as Route 53 reads and writes them: one or more double-quoted character-strings
 * (`"v=DKIM1; k=rsa; p=MIIB…" "…"`), each at most 255 octets, with `\"`, `\\` and `\ddd` (octal)
 * escapes. Strings are kept as byte strings (one char per octet, latin1), as DNS carries them.
 */

/** Most octets in one character-string (RFC 1035 §3.3). */
export const MAX_CHARACTER_STRING_OCTETS = 255;

/** A parsed value, or Route 53's reason for refusing it. */
export type ParsedTxtValue =
  | { readonly ok: true; readonly strings: readonly string[] }
  | { readonly ok: false; readonly problem: string };

const fatal = (problem: string, detail: string, value: string): ParsedTxtValue => ({
  ok: false,
  problem: `Invalid Resource Record: FATAL problem: ${problem} (${detail}) encountered with '${value}'`,
});

const octetsOf = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** Reads a Route 53 TXT `Value` into its character-strings (refusals worded as Route 53's). */
export function parseTxtValue(value: string): ParsedTxtValue {
  const strings: string[] = [];
  let position = 0;
  const unquoted = () =>
    fatal('InvalidCharacterString', 'Value should be enclosed in quotation marks', value);
  while (position < value.length) {
    const char = value[position];
    if (char === ' ' || char === '\t') {
      position += 1;
      continue;
    }
    if (char !== '"') return unquoted();
    let text = '';
    position += 1;
    let closed = false;
    while (position < value.length) {
      const next = value[position] ?? '';
      if (next === '"') {
        closed = true;
        position += 1;
        break;
      }
      if (next === '\\') {
        const octal = /^[0-7]{3}/.exec(value.slice(position + 1, position + 4));
        if (octal) {
          text += String.fromCharCode(Number.parseInt(octal[0], 8) & 0xff);
          position += 4;
          continue;
        }
        const escaped = value[position + 1];
        if (escaped === undefined) break;
        text += octetsOf(escaped);
        position += 2;
        continue;
      }
      text += octetsOf(next);
      position += 1;
    }
    if (!closed) return unquoted();
    if (text.length > MAX_CHARACTER_STRING_OCTETS) {
      return fatal('CharacterStringTooLong', 'Value is too long', value);
    }
    strings.push(text);
  }
  return strings.length === 0 ? unquoted() : { ok: true, strings };
}

/** Writes character-strings as Route 53 lists them: quoted, `"` and `\` escaped, others octal. */
export function formatTxtValue(strings: readonly string[]): string {
  return strings
    .map((text) => {
      let quoted = '';
      for (const char of text) {
        const code = char.charCodeAt(0);
        if (char === '"' || char === '\\') quoted += `\\${char}`;
        else if (code >= 0x20 && code < 0x7f) quoted += char;
        else quoted += `\\${code.toString(8).padStart(3, '0')}`;
      }
      return `"${quoted}"`;
    })
    .join(' ');
}

/**
 * The whole text a verifier sees: the character-strings joined without separator (read as UTF-8,
 * the inverse of {@link splitTxtValue}; DKIM values are ASCII, where both are the identity).
 */
export function joinTxtStrings(strings: readonly string[]): string {
  return Buffer.from(strings.join(''), 'latin1').toString('utf8');
}

/** Splits a joined value into 255-octet strings, the way the local zones and the workflow do. */
export function splitTxtValue(value: string): string[] {
  const octets = octetsOf(value);
  const strings: string[] = [];
  for (let start = 0; start < octets.length; start += MAX_CHARACTER_STRING_OCTETS) {
    strings.push(octets.slice(start, start + MAX_CHARACTER_STRING_OCTETS));
  }
  return strings.length > 0 ? strings : [''];
}
