import { X509Certificate } from 'node:crypto';
import {
  createDkimCertificate,
  daysUntilExpiry,
  isExpired,
  parseDkimCertificate,
} from '../../../shared/dkim/certificate';
import { type DkimKeyPair, generateDkimKeyPair, publicKeyToPem } from '../../../shared/dkim/keys';
import { InvalidInputError } from '../../../shared/errors';

const DAY = 86_400_000;

describe('DKIM certificates', () => {
  let keyPair: DkimKeyPair;
  beforeAll(async () => {
    keyPair = await generateDkimKeyPair(2048);
  });

  it('round-trips a self-signed certificate with exactly certificateValidityDays of validity', async () => {
    // GIVEN a start instant with milliseconds, which X.509 cannot hold
    const now = new Date('2026-11-23T00:30:15.789Z');
    // WHEN a 456-day certificate is created and parsed back
    const created = await createDkimCertificate({
      keyPair,
      domain: 'Mail.Example.JP',
      selector: 'gooid-21-pro-20261123-1',
      validityDays: 456,
      now,
    });
    const parsed = parseDkimCertificate(created.pem);
    // THEN validity is exactly 456 × 24 h from the whole second, and the key is ours
    expect(parsed.notBefore.toISOString()).toBe('2026-11-23T00:30:15.000Z');
    expect(parsed.expiresAt.getTime() - parsed.notBefore.getTime()).toBe(456 * DAY);
    expect(parsed.subject).toBe('CN=gooid-21-pro-20261123-1');
    expect(publicKeyToPem(parsed.publicKey)).toBe(publicKeyToPem(keyPair.publicKey));
    expect(parsed.serialNumber).toBe(created.serialNumber);
  });

  it('is a certificate OpenSSL (through Node) reads, self-signed by the DKIM key', async () => {
    const created = await createDkimCertificate({
      keyPair,
      domain: 'example.jp',
      selector: 's1',
      now: new Date(),
    });
    const certificate = new X509Certificate(created.pem);
    expect(certificate.verify(keyPair.publicKey)).toBe(true);
    expect(certificate.subjectAltName).toBe('DNS:example.jp');
    expect(certificate.ca).toBe(false);
    expect(created.pem).not.toMatch(/PRIVATE KEY/);
  });

  it('defaults to 456 days', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const created = await createDkimCertificate({ keyPair, domain: 'example.jp', selector: 's1', now });
    expect(created.expiresAt.toISOString()).toBe(new Date(now.getTime() + 456 * DAY).toISOString());
  });

  it.each([0, -1, 1.5])('refuses %p validity days', async (validityDays) => {
    await expect(
      createDkimCertificate({ keyPair, domain: 'example.jp', selector: 's1', validityDays, now: new Date() }),
    ).rejects.toThrow(InvalidInputError);
  });

  it('refuses text that is not a certificate', () => {
    expect(() =>
      parseDkimCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ).toThrow(InvalidInputError);
  });

  describe('days until expiry, counted on the Asia/Tokyo calendar', () => {
    // Expires 2027-03-01 00:30 JST (= 2027-02-28 15:30 UTC).
    const certificate = { expiresAt: new Date('2027-02-28T15:30:00Z') };

    it('counts 16 days at 09:00 JST sixteen calendar days before', () => {
      expect(daysUntilExpiry(certificate, new Date('2027-02-13T00:00:00Z'))).toBe(16);
    });

    it('counts by the Tokyo day when UTC is still on the previous day', () => {
      // 2027-02-13 23:59 UTC is already 2027-02-14 08:59 JST.
      expect(daysUntilExpiry(certificate, new Date('2027-02-13T23:59:00Z'))).toBe(15);
      expect(daysUntilExpiry(certificate, new Date('2027-02-13T23:59:00Z'), 'UTC')).toBe(15);
      expect(daysUntilExpiry(certificate, new Date('2027-02-13T14:59:59Z'))).toBe(16);
      expect(daysUntilExpiry(certificate, new Date('2027-02-13T15:00:00Z'))).toBe(15);
    });

    it('is 0 on the expiry day and negative after it; isExpired flips at the exact instant', () => {
      expect(daysUntilExpiry(certificate, new Date('2027-02-28T15:00:00Z'))).toBe(0);
      expect(isExpired(certificate, new Date('2027-02-28T15:29:59Z'))).toBe(false);
      expect(isExpired(certificate, new Date('2027-02-28T15:30:00Z'))).toBe(true);
      expect(daysUntilExpiry(certificate, new Date('2027-03-02T00:00:00Z'))).toBe(-1);
    });
  });
});
