import { type DkimKeyPair, generateDkimKeyPair } from '../../../shared/dkim/keys';
import {
  checkDkimRecords,
  dkimTxtValue,
  joinCharacterStrings,
  parseDkimKeyRecord,
  publicKeyBase64,
  route53TxtValue,
  splitCharacterStrings,
  zoneFileLine,
} from '../../../shared/dkim/txt-record';
import { InvalidInputError } from '../../../shared/errors';

// Child processes and RSA key generation have a long tail on a loaded machine: not jest's 5 s.
jest.setTimeout(30_000);

describe('DKIM TXT records', () => {
  const keys: Record<1024 | 2048, DkimKeyPair> = {} as Record<1024 | 2048, DkimKeyPair>;
  let other: DkimKeyPair;
  beforeAll(async () => {
    keys[1024] = await generateDkimKeyPair(1024);
    keys[2048] = await generateDkimKeyPair(2048);
    other = await generateDkimKeyPair(2048);
  });

  it('writes v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>', () => {
    const value = dkimTxtValue(keys[2048].publicKey);
    const spki = keys[2048].publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(value).toBe(`v=DKIM1; k=rsa; p=${spki}`);
  });

  describe('splitting into character-strings', () => {
    it.each([1024, 2048] as const)(
      'round-trips a %i-bit key record, every string at most 255 octets',
      (bits) => {
        const value = dkimTxtValue(keys[bits].publicKey);
        const strings = splitCharacterStrings(value);
        expect(strings.every((part) => Buffer.byteLength(part) <= 255)).toBe(true);
        expect(strings.length).toBe(Math.ceil(value.length / 255));
        expect(joinCharacterStrings(strings)).toBe(value);
        expect(joinCharacterStrings(strings.map((part) => Buffer.from(part)))).toBe(value);
      },
    );

    it('keeps a value of exactly 255 octets in one string and splits 256 into 255 + 1', () => {
      expect(splitCharacterStrings('a'.repeat(255))).toEqual(['a'.repeat(255)]);
      expect(splitCharacterStrings('a'.repeat(256))).toEqual(['a'.repeat(255), 'a']);
      expect(splitCharacterStrings('a'.repeat(510))).toEqual(['a'.repeat(255), 'a'.repeat(255)]);
    });

    it('refuses non-ASCII text and impossible string sizes', () => {
      expect(() => splitCharacterStrings('p=キー')).toThrow(InvalidInputError);
      expect(() => splitCharacterStrings('abc', 256)).toThrow(InvalidInputError);
      expect(() => splitCharacterStrings('abc', 0)).toThrow(InvalidInputError);
    });

    it('writes a zone-file line and a Route 53 value with quoted 255-octet strings', () => {
      const value = dkimTxtValue(keys[2048].publicKey);
      const [first, second] = splitCharacterStrings(value);
      expect(zoneFileLine('s1._domainkey.example.jp', value)).toBe(
        `s1._domainkey.example.jp. 3600 IN TXT "${first}" "${second}"`,
      );
      expect(zoneFileLine('s1._domainkey.example.jp.', value, { ttl: 300 })).toMatch(
        /^s1\._domainkey\.example\.jp\. 300 IN TXT "/,
      );
      expect(route53TxtValue(value)).toBe(`"${first}" "${second}"`);
      expect(route53TxtValue('say "hi" \\ there')).toBe('"say \\"hi\\" \\\\ there"');
    });
  });

  describe('parsing what a DNS team publishes', () => {
    it.each([
      ['canonical', (p: string) => [`v=DKIM1; k=rsa; p=${p}`]],
      ['no spaces', (p: string) => [`v=DKIM1;k=rsa;p=${p}`]],
      ['wide spacing and a trailing ;', (p: string) => [`v = DKIM1 ;  k = rsa ;\tp = ${p} ;`]],
      ['tags reordered after v=', (p: string) => [`v=DKIM1; p=${p}; k=rsa`]],
      ['no v= and no k=', (p: string) => [`p=${p}`]],
      ['unknown tags and notes', (p: string) => [`v=DKIM1; k=rsa; n=rotated by ops; x_foo=bar; p=${p}`]],
      ['t=s flag and h=sha256', (p: string) => [`v=DKIM1; k=rsa; t=s; h=sha256; s=email; p=${p}`]],
      ['split at 255 octets', (p: string) => splitCharacterStrings(`v=DKIM1; k=rsa; p=${p}`)],
      ['split at odd points', (p: string) => splitCharacterStrings(`v=DKIM1; k=rsa; p=${p}`, 100)],
      ['split into 1-octet strings', (p: string) => splitCharacterStrings(`v=DKIM1; k=rsa; p=${p}`, 1)],
      [
        'whitespace inside the base64',
        (p: string) => [`v=DKIM1; k=rsa; p=${p.slice(0, 200)} ${p.slice(200)}`],
      ],
      ['an empty ;; spec', (p: string) => [`v=DKIM1;; k=rsa; p=${p}`]],
    ])('matches the exact key: %s', (_variant, publish) => {
      const answer = [publish(publicKeyBase64(keys[2048].publicKey))];
      expect(checkDkimRecords(answer, keys[2048].publicKey)).toEqual({
        result: 'match',
        detail: expect.any(String),
      });
    });

    it('ignores other TXT records at the same name', () => {
      const answer = [['google-site-verification=abc'], [dkimTxtValue(keys[1024].publicKey)]];
      expect(checkDkimRecords(answer, keys[1024].publicKey).result).toBe('match');
    });

    it('rejects a key that differs by one character, saying where', () => {
      const p = publicKeyBase64(keys[2048].publicKey);
      const index = 120;
      const changed = `${p.slice(0, index)}${p[index] === 'A' ? 'B' : 'A'}${p.slice(index + 1)}`;
      const check = checkDkimRecords([[`v=DKIM1; k=rsa; p=${changed}`]], keys[2048].publicKey);
      expect(check).toMatchObject({ result: 'mismatch', reason: 'different-key' });
      expect(check.detail).toContain(`character ${index + 1}`);
    });

    it('rejects a truncated key and another key', () => {
      const p = publicKeyBase64(keys[2048].publicKey);
      expect(checkDkimRecords([[`v=DKIM1; k=rsa; p=${p.slice(0, -4)}`]], keys[2048].publicKey)).toMatchObject(
        {
          reason: 'different-key',
        },
      );
      expect(checkDkimRecords([[dkimTxtValue(other.publicKey)]], keys[2048].publicKey)).toMatchObject({
        reason: 'different-key',
      });
    });

    it('rejects a revoked key (empty p=)', () => {
      expect(checkDkimRecords([['v=DKIM1; k=rsa; p=']], keys[2048].publicKey)).toMatchObject({
        result: 'mismatch',
        reason: 'revoked',
      });
    });

    it('rejects two DKIM records at one name, even when one of them matches', () => {
      const answer = [[dkimTxtValue(keys[2048].publicKey)], [dkimTxtValue(other.publicKey)]];
      expect(checkDkimRecords(answer, keys[2048].publicKey)).toMatchObject({
        result: 'mismatch',
        reason: 'multiple-records',
      });
    });

    it.each([
      ['t=y left in', 'v=DKIM1; k=rsa; t=y; p=%', 'testing-flag'],
      ['t=y:s', 'v=DKIM1; t=y:s; p=%', 'testing-flag'],
      ['k=ed25519', 'v=DKIM1; k=ed25519; p=%', 'key-type'],
      ['h=sha1 only', 'v=DKIM1; h=sha1; p=%', 'hash-algorithms'],
      ['s= for another service', 'v=DKIM1; s=tlsrpt; p=%', 'service-type'],
      ['v= not first', 'k=rsa; v=DKIM1; p=%', 'malformed'],
      ['v=DKIM2', 'v=DKIM2; p=%', 'malformed'],
      ['a repeated tag', 'v=DKIM1; p=%; p=%', 'malformed'],
      ['a tag without =', 'v=DKIM1; rsa; p=%', 'malformed'],
      ['no p=', 'v=DKIM1; k=rsa', 'malformed'],
    ])('rejects %s', (_label, template, reason) => {
      const text = template.replaceAll('%', publicKeyBase64(keys[1024].publicKey));
      expect(checkDkimRecords([[text]], keys[1024].publicKey)).toMatchObject({ result: 'mismatch', reason });
    });

    it.each([
      ['a tag without =', 'v=DKIM1; PLEASE-APPROVE-NOW; p=%', 'malformed', 'tag 2 is not tag=value'],
      ['another key type', 'v=DKIM1; k=PLEASE-APPROVE-NOW; p=%', 'key-type', 'k= is not rsa'],
      ['another hash', 'v=DKIM1; h=PLEASE-APPROVE-NOW; p=%', 'hash-algorithms', 'h= excludes sha256'],
      ['another service', 'v=DKIM1; s=PLEASE-APPROVE-NOW; p=%', 'service-type', 's= excludes email'],
    ])(
      'describes %s without quoting the served record: lengths and where it differs',
      (_label, template, reason, words) => {
        // GIVEN a record whose text a name server's operator chose
        const text = template.replaceAll('%', publicKeyBase64(keys[1024].publicKey));
        const expected = dkimTxtValue(keys[1024].publicKey);

        // WHEN it is compared with the expected key
        const check = checkDkimRecords([[text]], keys[1024].publicKey);

        // THEN the detail says what is wrong in our words, never repeating the record
        expect(check).toMatchObject({ result: 'mismatch', reason });
        expect(check.detail).toContain(words);
        expect(check.detail).toContain(`${text.length} characters, expected ${expected.length}`);
        expect(check.detail).toMatch(/first difference at character \d+/);
        expect(check.detail).not.toContain('PLEASE-APPROVE-NOW');
      },
    );

    it('reports missing when no record or only unrelated TXT records are served', () => {
      expect(checkDkimRecords([], keys[1024].publicKey)).toEqual({
        result: 'missing',
        detail: 'no DKIM record',
      });
      expect(checkDkimRecords([['v=spf1 -all']], keys[1024].publicKey)).toMatchObject({ result: 'missing' });
    });

    it('parses flags, hash algorithms and service types', () => {
      const record = parseDkimKeyRecord('v=DKIM1; k=rsa; t=y:s; h=sha1:sha256; s=email; p=AB CD');
      expect(record).toEqual({
        version: 'DKIM1',
        keyType: 'rsa',
        publicKey: 'ABCD',
        flags: ['y', 's'],
        hashAlgorithms: ['sha1', 'sha256'],
        serviceTypes: ['email'],
      });
    });
  });
});
