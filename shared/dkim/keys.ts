import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { InvalidInputError } from '../errors';

/** RSA key lengths SES accepts for BYODKIM (SES API v2 reference, DkimSigningAttributes). */
export const SUPPORTED_KEY_LENGTHS = [1024, 2048] as const;
/** A key length SES accepts. */
export type KeyLength = (typeof SUPPORTED_KEY_LENGTHS)[number];
/** Key length used unless configured otherwise. */
export const DEFAULT_KEY_LENGTH: KeyLength = 2048;

/** An RSA key pair for DKIM. `KeyObject`s never print their material when inspected or logged. */
export interface DkimKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyLength: KeyLength;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** True when `value` is a key length SES accepts. */
export function isSupportedKeyLength(value: unknown): value is KeyLength {
  return (SUPPORTED_KEY_LENGTHS as readonly unknown[]).includes(value);
}

/**
 * Generates an RSA key pair with Node's crypto (no native addon, no OpenSSL binary), off the
 * event loop's thread.
 * @throws InvalidInputError for any length other than 1024 or 2048.
 */
export async function generateDkimKeyPair(keyLength: number = DEFAULT_KEY_LENGTH): Promise<DkimKeyPair> {
  if (!isSupportedKeyLength(keyLength)) {
    throw new InvalidInputError(
      `Key length ${keyLength} is not accepted by SES for BYODKIM: use ${SUPPORTED_KEY_LENGTHS.join(' or ')}.`,
    );
  }
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: keyLength,
    publicExponent: 65537,
  });
  return { privateKey, publicKey, keyLength };
}

/** PKCS#8 PEM of a private key: the form written to `private-key.pem` in S3. */
export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Reads an RSA private key from PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`, as OpenSSL
 * writes either) and checks SES can use it.
 * @throws InvalidInputError when it is not a 1024/2048-bit RSA private key.
 */
export function privateKeyFromPem(pem: string): DkimKeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    // The parser's message can quote the input: keep it out of the error.
    throw new InvalidInputError('The private key is not a readable PEM RSA private key.', { cause });
  }
  return describeKeyPair(privateKey, createPublicKey(privateKey));
}

/** Reads a public key from PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`). */
export function publicKeyFromPem(pem: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new InvalidInputError('The public key is not a readable PEM public key.', { cause });
  }
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidInputError(`The public key is ${publicKey.asymmetricKeyType}, not RSA.`);
  }
  return publicKey;
}

/** SPKI PEM of a public key. */
export function publicKeyToPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function describeKeyPair(privateKey: KeyObject, publicKey: KeyObject): DkimKeyPair {
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidInputError(
      `The private key is ${privateKey.asymmetricKeyType}, not RSA: SES needs RSA.`,
    );
  }
  const keyLength = privateKey.asymmetricKeyDetails?.modulusLength;
  if (!isSupportedKeyLength(keyLength)) {
    throw new InvalidInputError(
      `The private key is ${keyLength}-bit RSA: SES accepts ${SUPPORTED_KEY_LENGTHS.join(' or ')} bits.`,
    );
  }
  return { privateKey, publicKey, keyLength };
}
