import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import {
  generateDkimKeyPair,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyToPem,
} from '../../../shared/dkim/keys';
import { InvalidInputError } from '../../../shared/errors';

describe('DKIM key pairs', () => {
  it.each([1024, 2048] as const)('generates %i-bit RSA keys that sign and verify', async (keyLength) => {
    // GIVEN a fresh key pair
    const keyPair = await generateDkimKeyPair(keyLength);
    // WHEN a message is signed with the private key
    const signature = createSign('sha256').update('DKIM test').sign(keyPair.privateKey);
    // THEN the public key verifies it, and the modulus has the asked length
    expect(createVerify('sha256').update('DKIM test').verify(keyPair.publicKey, signature)).toBe(true);
    expect(createVerify('sha256').update('DKIM tesT').verify(keyPair.publicKey, signature)).toBe(false);
    expect(keyPair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(keyLength);
    expect(keyPair.keyLength).toBe(keyLength);
  });

  it('defaults to 2048 bits', async () => {
    const keyPair = await generateDkimKeyPair();
    expect(keyPair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it.each([512, 3072, 4096, 0, 2048.5])('refuses a %p-bit key as InvalidInput', async (keyLength) => {
    await expect(generateDkimKeyPair(keyLength)).rejects.toThrow(InvalidInputError);
    await expect(generateDkimKeyPair(keyLength)).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('round-trips the private key through PKCS#8 PEM, and reads PKCS#1 PEM as OpenSSL writes it', async () => {
    const keyPair = await generateDkimKeyPair(1024);
    const pkcs8 = privateKeyToPem(keyPair.privateKey);
    const pkcs1 = keyPair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs8).toBe(keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    for (const pem of [pkcs8, pkcs1]) {
      const read = privateKeyFromPem(pem);
      expect(read.keyLength).toBe(1024);
      expect(publicKeyToPem(read.publicKey)).toBe(publicKeyToPem(keyPair.publicKey));
    }
  });

  it('refuses unreadable PEM without quoting it in the message', async () => {
    // a generated key's armor around a body that is not a key
    const pem = privateKeyToPem((await generateDkimKeyPair(1024)).privateKey);
    const secretLooking = pem.replace(/\n[A-Za-z0-9+/=\n]+\n(?=-----END)/, '\nTOPSECRETBYTES\n');
    expect(secretLooking).toContain('TOPSECRETBYTES');
    expect(() => privateKeyFromPem(secretLooking)).toThrow(InvalidInputError);
    try {
      privateKeyFromPem(secretLooking);
    } catch (error) {
      expect((error as Error).message).not.toContain('TOPSECRET');
    }
  });

  it('refuses a private key SES cannot use (EC, or RSA 3072)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });
    expect(() =>
      privateKeyFromPem(ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).toThrow(/not RSA/);
    expect(() =>
      privateKeyFromPem(rsa3072.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).toThrow(/3072-bit/);
  });

  it('reads an SPKI public key PEM and refuses a non-RSA one', async () => {
    const keyPair = await generateDkimKeyPair(1024);
    expect(publicKeyToPem(publicKeyFromPem(publicKeyToPem(keyPair.publicKey)))).toBe(
      publicKeyToPem(keyPair.publicKey),
    );
    const ed = generateKeyPairSync('ed25519');
    expect(() => publicKeyFromPem(ed.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(
      /not RSA/,
    );
    expect(() => publicKeyFromPem('not a key')).toThrow(InvalidInputError);
  });
});
