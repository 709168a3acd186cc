import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { type DkimKeyPair, generateDkimKeyPair } from '../../../shared/dkim/keys';
import { parseSesSigningPrivateKey, toSesSigningPrivateKey } from '../../../shared/dkim/ses-signing-key';
import { InvalidInputError } from '../../../shared/errors';

describe('SES DomainSigningPrivateKey', () => {
  let keyPair: DkimKeyPair;
  beforeAll(async () => {
    keyPair = await generateDkimKeyPair(2048);
  });

  it('is plain base64 of the PKCS#1 DER key: no armor, no line breaks, SES pattern', () => {
    const value = toSesSigningPrivateKey(keyPair.privateKey).reveal();
    expect(value).toMatch(/^[a-zA-Z0-9+/]+={0,2}$/);
    expect(value).not.toMatch(/BEGIN|END|\n|\r| /);
    expect(value.length).toBeLessThanOrEqual(20_480);
    const pkcs1Body = keyPair.privateKey
      .export({ type: 'pkcs1', format: 'pem' })
      .toString()
      .replace(/-----(BEGIN|END) RSA PRIVATE KEY-----|\s/g, '');
    expect(value).toBe(pkcs1Body);
  });

  it('decodes to the same key: a signature made with it verifies with the original public key', () => {
    const decoded = parseSesSigningPrivateKey(toSesSigningPrivateKey(keyPair.privateKey).reveal());
    const signature = createSign('sha256').update('mail').sign(decoded);
    expect(createVerify('sha256').update('mail').verify(keyPair.publicKey, signature)).toBe(true);
  });

  it('never prints itself: String, template, JSON and inspect all say [redacted]', () => {
    const secret = toSesSigningPrivateKey(keyPair.privateKey);
    const value = secret.reveal();
    for (const printed of [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret })]) {
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(value.slice(0, 40));
    }
  });

  it.each([
    [
      'armored PEM',
      // the same key as PKCS#1 PEM: the SES string is its body without armor and line breaks
      () => keyPair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ],
    ['line breaks', (value: string) => value.replace(/(.{64})/g, '$1\n')],
    ['empty', () => ''],
    ['too long', () => 'A'.repeat(20_484)],
    ['base64 of garbage', () => Buffer.from('not a key at all').toString('base64')],
  ])('refuses %s the way SES would, without quoting the value', (_label, mutate) => {
    const bad = mutate(toSesSigningPrivateKey(keyPair.privateKey).reveal());
    expect(() => parseSesSigningPrivateKey(bad)).toThrow(InvalidInputError);
    try {
      parseSesSigningPrivateKey(bad);
    } catch (error) {
      if (bad.length > 20) expect((error as Error).message).not.toContain(bad.slice(0, 20));
    }
  });

  it('refuses keys SES does not accept', () => {
    const rsa4096 = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => toSesSigningPrivateKey(rsa4096.privateKey)).toThrow(/1024 or 2048/);
    expect(() => toSesSigningPrivateKey(ec.privateKey)).toThrow(InvalidInputError);
    expect(() => toSesSigningPrivateKey(keyPair.publicKey)).toThrow(InvalidInputError);
    const der3072 = rsa4096.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    expect(() => parseSesSigningPrivateKey(der3072)).toThrow(/3072/);
  });
});
