import { domainSlug, normaliseDomain } from '../../../shared/dkim/domain';
import { assertValidSelector, dkimRecordName, nextSelector } from '../../../shared/dkim/selector';
import { InvalidInputError } from '../../../shared/errors';

describe('selectors', () => {
  const now = new Date('2026-11-23T03:00:00Z'); // 12:00 JST on the 23rd

  it('starts at -1 on a day with no selector yet', () => {
    expect(nextSelector({ prefix: 'gooid-21-pro', existing: ['gooid-21-pro-20250901-1'], now })).toBe(
      'gooid-21-pro-20261123-1',
    );
  });

  it('rolls over -1, -2, ... -10 within one day', () => {
    const existing: string[] = [];
    for (let n = 1; n <= 10; n += 1) {
      const selector = nextSelector({ prefix: 'gooid-21-pro', existing, now });
      expect(selector).toBe(`gooid-21-pro-20261123-${n}`);
      existing.push(selector);
    }
  });

  it('counts from the highest number used, ignoring other prefixes and non-numeric suffixes', () => {
    const existing = [
      'gooid-21-pro-20261123-3',
      'gooid-21-pro-20261123-x',
      'other-20261123-9',
      'gooid-21-pro-20261123-1',
    ];
    expect(nextSelector({ prefix: 'gooid-21-pro', existing, now })).toBe('gooid-21-pro-20261123-4');
  });

  it('uses the Asia/Tokyo day after midnight JST while UTC is still on the previous day', () => {
    // 2026-11-23 15:30 UTC = 2026-11-24 00:30 JST
    const justAfterMidnightTokyo = new Date('2026-11-23T15:30:00Z');
    const existing = ['gooid-21-pro-20261123-1', 'gooid-21-pro-20261123-2'];
    expect(nextSelector({ prefix: 'gooid-21-pro', existing, now: justAfterMidnightTokyo })).toBe(
      'gooid-21-pro-20261124-1',
    );
    expect(
      nextSelector({ prefix: 'gooid-21-pro', existing, now: justAfterMidnightTokyo, timeZone: 'UTC' }),
    ).toBe('gooid-21-pro-20261123-3');
    // one second before midnight JST is still the 23rd
    expect(nextSelector({ prefix: 'gooid-21-pro', existing, now: new Date('2026-11-23T14:59:59Z') })).toBe(
      'gooid-21-pro-20261123-3',
    );
  });

  it('never exceeds 63 octets, even for the longest prefix and a thousand rotations a day', () => {
    const prefix = 'p'.repeat(50);
    const existing = [`${prefix}-20261123-998`];
    const selector = nextSelector({ prefix, existing, now });
    expect(selector).toBe(`${prefix}-20261123-999`);
    expect(Buffer.byteLength(selector)).toBeLessThanOrEqual(63);
    expect(() => nextSelector({ prefix, existing: [`${prefix}-20261123-999`], now })).toThrow(
      InvalidInputError,
    );
    expect(() => nextSelector({ prefix: 'p'.repeat(51), existing: [], now })).toThrow(/1 to 50/);
  });

  it.each(['has.dot', '-leading', 'trailing-', 'under_score', '', 'x'.repeat(64), 'スペース'])(
    'refuses the selector %p',
    (selector) => {
      expect(() => assertValidSelector(selector)).toThrow(InvalidInputError);
    },
  );

  it('builds <selector>._domainkey.<domain> and refuses names over 253 octets', () => {
    expect(dkimRecordName('s1', 'Mail.Example.JP.')).toBe('s1._domainkey.mail.example.jp');
    const longDomain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.jp`;
    expect(() => dkimRecordName('s'.repeat(40), longDomain)).toThrow(/253/);
  });
});

describe('domains', () => {
  it('normalises case, a trailing dot and IDN to A-labels', () => {
    expect(normaliseDomain(' Mail.Example.JP. ')).toBe('mail.example.jp');
    expect(normaliseDomain('Bücher.Example')).toBe('xn--bcher-kva.example');
    expect(domainSlug('Mail.Example.JP')).toBe('mail-example-jp');
  });

  it.each([
    ['', /empty/],
    ['localhost', /single label/],
    ['exa mple.jp', /./],
    ['-bad.example.jp', /invalid label/],
    ['under_score.example.jp', /contains "_" \(character 6\)/],
    ['192.168.0.1', /numeric/],
    [`${'a'.repeat(64)}.jp`, /63/],
    [`${'a.'.repeat(127)}jp`, /253/],
  ])('refuses %p', (domain, message) => {
    expect(() => normaliseDomain(domain)).toThrow(InvalidInputError);
    expect(() => normaliseDomain(domain)).toThrow(message);
  });

  it('accepts what UTS #46 maps like Unicode normalisation: full-width forms and ideographic full stops', () => {
    expect(normaliseDomain('ｅｘａｍｐｌｅ．jp')).toBe('example.jp');
    expect(normaliseDomain('例え。jp')).toBe('xn--r8jz45g.jp');
    expect(normaliseDomain('xn--r8jz45g.jp')).toBe('xn--r8jz45g.jp');
  });

  it.each([
    ['a path the URL parser would drop', 'example.jp/..'],
    ['a percent escape the URL parser would decode', 'ex%41mple.jp'],
    ['a port', 'example.jp:25'],
    ['a fragment', 'example.jp#x'],
    ['line breaks', 'example.jp\r\nBcc: attacker@example.com'],
    ['an invisible character', 'exa\u200bmple.jp'],
    ['a character IDNA drops (variation selector)', 'exa\ufe0fmple.jp'],
  ])('refuses %s instead of turning it into another domain, and never echoes it raw', (_what, domain) => {
    // WHEN the domain is normalised
    let error: unknown;
    try {
      normaliseDomain(domain);
    } catch (caught) {
      error = caught;
    }
    // THEN it is a typed refusal whose message is one escaped line without the raw input
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/\r|\n|\u200b|\ufe0f/);
    expect(message).toMatch(/^Domain "/);
  });
});
