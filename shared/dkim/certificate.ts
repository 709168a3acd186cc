// tsyringe, used inside @peculiar/x509, needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createPublicKey, type KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { InvalidInputError } from '../errors';
import { calendarDayIn, DEFAULT_TIME_ZONE, daysBetween } from './calendar';
import { normaliseDomain } from './domain';
import type { DkimKeyPair } from './keys';
import { assertValidSelector } from './selector';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Certificate validity used unless configured otherwise (our users' production value). */
export const DEFAULT_CERTIFICATE_VALIDITY_DAYS = 456;

const MS_PER_DAY = 86_400_000;
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/**
 * A parsed DKIM certificate. DKIM itself has no certificates: this self-signed X.509 carries the
 * key's validity, so the monitor knows when to rotate, as our users' system does today.
 */
export interface DkimCertificate {
  /** PEM of the certificate (public data only). */
  readonly pem: string;
  readonly subject: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  /** The instant the key is due to be replaced. */
  readonly expiresAt: Date;
  /** The certified public key. */
  readonly publicKey: KeyObject;
}

/** Inputs of {@link createDkimCertificate}. */
export interface CreateDkimCertificateInput {
  readonly keyPair: DkimKeyPair;
  readonly domain: string;
  readonly selector: string;
  /** Days from `now` to expiry. @default 456 */
  readonly validityDays?: number;
  /** Start of validity (X.509 keeps whole seconds, so milliseconds are dropped). */
  readonly now: Date;
}

/**
 * Creates a self-signed certificate for the key pair: subject `CN=<selector>`, SAN `DNS:<domain>`,
 * valid from `now` for exactly `validityDays` × 24 h.
 */
export async function createDkimCertificate(input: CreateDkimCertificateInput): Promise<DkimCertificate> {
  const validityDays = input.validityDays ?? DEFAULT_CERTIFICATE_VALIDITY_DAYS;
  if (!Number.isInteger(validityDays) || validityDays < 1) {
    throw new InvalidInputError(
      `certificateValidityDays must be a whole number of days ≥ 1 (got ${validityDays}).`,
    );
  }
  const domain = normaliseDomain(input.domain);
  const selector = assertValidSelector(input.selector);
  const notBefore = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + validityDays * MS_PER_DAY);
  const keys = await toCryptoKeyPair(input.keyPair);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${selector}`,
    notBefore,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: domain }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return parseDkimCertificate(certificate.toString('pem'));
}

/**
 * Reads a certificate PEM back.
 * @throws InvalidInputError when it is not a readable X.509 certificate.
 */
export function parseDkimCertificate(pem: string): DkimCertificate {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(pem);
  } catch (cause) {
    throw new InvalidInputError('The certificate is not a readable PEM X.509 certificate.', { cause });
  }
  return {
    pem: certificate.toString('pem'),
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    expiresAt: certificate.notAfter,
    publicKey: createPublicKey({
      key: Buffer.from(certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    }),
  };
}

/** True once `now` has reached the certificate's expiry. */
export function isExpired(certificate: Pick<DkimCertificate, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= certificate.expiresAt.getTime();
}

/**
 * Calendar days from `now` to the expiry day, both read in `timeZone`: the number an operator in
 * Tokyo would count on a calendar. 0 on the day of expiry, negative after it. Use
 * {@link isExpired} for the exact instant.
 */
export function daysUntilExpiry(
  certificate: Pick<DkimCertificate, 'expiresAt'>,
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): number {
  return daysBetween(calendarDayIn(now, timeZone), calendarDayIn(certificate.expiresAt, timeZone));
}

async function toCryptoKeyPair(keyPair: DkimKeyPair): Promise<webcrypto.CryptoKeyPair> {
  const pkcs8 = keyPair.privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = keyPair.publicKey.export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SHA256, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, RSA_SHA256, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}
