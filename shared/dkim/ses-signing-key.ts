import type { KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { InvalidInputError } from '../errors';
import { isSupportedKeyLength, SUPPORTED_KEY_LENGTHS } from './keys';
import { Secret } from './secret';

/**
 * SES's pattern for `DomainSigningPrivateKey`: plain base64, no armor, no whitespace, 1–20480
 * characters.
 */
const SES_PRIVATE_KEY_PATTERN = /^[a-zA-Z0-9+/]+={0,2}$/;
const SES_PRIVATE_KEY_MAX_LENGTH = 20_480;

/**
 * The exact `DomainSigningPrivateKey` string SES v2 accepts for BYODKIM.
 *
 * SES API v2 reference, DkimSigningAttributes
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_DkimSigningAttributes.html):
 * "The private key must use 1024 or 2048-bit RSA encryption, and must be encoded using base64
 * encoding", length 1–20480, pattern `^[a-zA-Z0-9+\/]+={0,2}$`. That is the base64 of the DER key
 * with no `-----BEGIN…` armor and no line breaks. We send the PKCS#1 RSAPrivateKey DER, the form
 * every version of the SES BYODKIM guide shows (`openssl genrsa` output with armor and newlines
 * removed).
 *
 * Returned as a {@link Secret} so it cannot reach a log, a state payload or a notification by
 * accident.
 */
export function toSesSigningPrivateKey(privateKey: KeyObject): Secret {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidInputError('SES needs an RSA private key for BYODKIM.');
  }
  const keyLength = privateKey.asymmetricKeyDetails?.modulusLength;
  if (!isSupportedKeyLength(keyLength)) {
    throw new InvalidInputError(
      `SES accepts ${SUPPORTED_KEY_LENGTHS.join(' or ')}-bit RSA keys, not ${keyLength}.`,
    );
  }
  return new Secret(privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'));
}

/**
 * Checks a `DomainSigningPrivateKey` string the way SES does and reads the key back; used by the
 * local SES stand-in and by tests. The error never quotes the string.
 * @throws InvalidInputError when SES would refuse the string.
 */
export function parseSesSigningPrivateKey(value: string): KeyObject {
  if (
    value.length === 0 ||
    value.length > SES_PRIVATE_KEY_MAX_LENGTH ||
    !SES_PRIVATE_KEY_PATTERN.test(value)
  ) {
    throw new InvalidInputError(
      'DomainSigningPrivateKey must be base64 with no armor or line breaks (pattern ^[a-zA-Z0-9+/]+={0,2}$, at most 20480 characters).',
    );
  }
  const der = Buffer.from(value, 'base64');
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    try {
      const key = createPrivateKey({ key: der, format: 'der', type });
      const keyLength = key.asymmetricKeyDetails?.modulusLength;
      if (key.asymmetricKeyType === 'rsa' && isSupportedKeyLength(keyLength)) return key;
      throw new InvalidInputError(
        `DomainSigningPrivateKey must be 1024 or 2048-bit RSA (got ${keyLength} bits).`,
      );
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
    }
  }
  throw new InvalidInputError('DomainSigningPrivateKey is base64 but not a DER-encoded RSA private key.');
}
