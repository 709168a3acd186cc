/** Minimal XML writing for S3 responses: the shapes are few and fixed, no library needed. */

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Escapes text for element content. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** `<name>text</name>` with the text escaped, or with already-built children joined. */
export function xmlElement(name: string, content: string | readonly string[]): string {
  const inner = typeof content === 'string' ? escapeXml(content) : content.join('');
  return `<${name}>${inner}</${name}>`;
}

/** A whole response document; results carry the S3 namespace, `<Error>` documents do not. */
export function xmlDocument(root: string, children: readonly string[], namespaced = true): string {
  const attributes = namespaced ? ` xmlns="${S3_NAMESPACE}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attributes}>${children.join('')}</${root}>`;
}
