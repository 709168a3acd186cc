/**
 * Deliberate, named fixtures: PEM armor around text that is NOT a key, for the tests that check
 * we refuse armored input, never echo it, and that the S3 stand-in stores bytes faithfully. Real
 * keys in tests are always generated at run time.
 */
export const PRIVATE_KEY_ARMOR = {
  begin: '-----BEGIN PRIVATE KEY-----',
  end: '-----END PRIVATE KEY-----',
} as const;
export const RSA_PRIVATE_KEY_ARMOR = {
  begin: '-----BEGIN RSA PRIVATE KEY-----',
  end: '-----END RSA PRIVATE KEY-----',
} as const;

/** Armor around a body that is not a key (e.g. `TOPSECRETBYTES`). */
export function fakePrivateKeyPem(body: string): string {
  return `${PRIVATE_KEY_ARMOR.begin}\n${body}\n${PRIVATE_KEY_ARMOR.end}`;
}
