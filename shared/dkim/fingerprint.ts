import { createHash, type KeyObject } from 'node:crypto';

/**
 * SHA-256 fingerprint of a public key's SubjectPublicKeyInfo, as `SHA256:` and colon-separated hex
 * pairs. Shown on the approval page and in notifications so people can compare keys without
 * reading 400 characters of base64.
 */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const digest = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return `SHA256:${digest.toUpperCase().match(/../g)?.join(':') ?? ''}`;
}
