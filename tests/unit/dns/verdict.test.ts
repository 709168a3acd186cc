import type { ServerCheck } from '../../../shared/dns/types';
import { assertDnsVerified, decideVerdict } from '../../../shared/dns/verdict';
import { DnsLookupFailedError, DnsRecordMismatchError, DnsRecordNotFoundError } from '../../../shared/errors';

const server = (
  name: string,
  result: ServerCheck['result'],
  reason?: ServerCheck['reason'],
): ServerCheck => ({
  name,
  address: `${name}-addr`,
  result,
  detail: `${result} detail`,
  ...(reason ? { reason } : {}),
});

describe('the DNS verdict', () => {
  it('passes only when every address matches', () => {
    expect(decideVerdict('r', 'z', [server('a', 'match'), server('b', 'match')]).verified).toBe(true);
    expect(decideVerdict('r', 'z', [server('a', 'match'), server('b', 'unreachable')]).verified).toBe(false);
  });

  it('never passes on an empty server list', () => {
    expect(decideVerdict('r', 'z', [])).toMatchObject({ verified: false, error: 'DnsLookupFailed' });
  });

  it.each([
    [['mismatch', 'missing', 'unreachable'], 'DnsRecordMismatch', DnsRecordMismatchError],
    [['missing', 'lame', 'match'], 'DnsRecordNotFound', DnsRecordNotFoundError],
    [['refused', 'lame', 'unreachable'], 'DnsLookupFailed', DnsLookupFailedError],
  ] as const)('maps %p to %s, the most actionable error', (results, error, ErrorClass) => {
    const verdict = decideVerdict(
      'r',
      'z',
      results.map((result, index) => server(`ns${index}`, result)),
    );
    expect(verdict.error).toBe(error);
    expect(() => assertDnsVerified(verdict)).toThrow(ErrorClass);
  });

  it('names only the servers that are behind, with their address and detail', () => {
    const verdict = decideVerdict('sel._domainkey.example.jp', 'example.jp', [
      server('ns1', 'match'),
      server('ns2', 'missing'),
    ]);
    expect(verdict.message).toContain(
      '1 of 2 name server address(es) are behind for sel._domainkey.example.jp',
    );
    expect(verdict.message).toContain('ns2 (ns2-addr) missing: missing detail');
    expect(verdict.message).not.toContain('ns1 (');
  });

  it('puts a hostile server on one line: its name escaped, its detail sanitised', () => {
    // GIVEN a server whose name and answer carry line breaks, a bidi override and AWS text
    const hostile: ServerCheck = {
      name: 'ns1.example.jp\r\nSubject: approve',
      address: '192.0.2.1',
      result: 'unreachable',
      detail: 'timeout\r\n\u202eUser: arn:aws:sts::123456789012:assumed-role/x/y',
    };

    // WHEN the verdict is decided
    const verdict = decideVerdict('sel._domainkey.example.jp', 'example.jp', [hostile]);

    // THEN the message is one line naming the server exactly (escaped) and without the AWS text
    expect(verdict.message).not.toMatch(/[\r\n\u202e]|123456789012|arn:aws/);
    expect(verdict.message).toContain(
      'ns1.example.jp\\x0d\\x0aSubject: approve (192.0.2.1) unreachable: timeout User: <arn>',
    );
  });

  it('for retirement, accepts removed, revoked and replaced records but not the old key', () => {
    const retired = [
      server('a', 'missing'),
      server('b', 'mismatch', 'revoked'),
      server('c', 'mismatch', 'different-key'),
    ];
    expect(decideVerdict('r', 'z', retired, 'retired').verified).toBe(true);
    const still = decideVerdict('r', 'z', [server('a', 'missing'), server('b', 'match')], 'retired');
    expect(still).toMatchObject({ verified: false, error: 'DnsRecordMismatch' });
    expect(decideVerdict('r', 'z', [server('a', 'mismatch', 'multiple-records')], 'retired').verified).toBe(
      false,
    );
  });

  describe('with addresses not checked (IPv6 without IPv6 egress)', () => {
    const skipped = (name: string, address: string): ServerCheck => ({
      name,
      address,
      result: 'not-checked',
      detail: 'Lambda outside a VPC has no IPv6 egress',
    });

    it('passes on the addresses checked and names those not checked with the reason', () => {
      const verdict = decideVerdict('r', 'z', [
        server('ns1', 'match'),
        skipped('ns1', '2001:db8::1'),
        server('ns2', 'match'),
      ]);
      expect(verdict.verified).toBe(true);
      expect(verdict.message).toBe(
        'All checked 2 authoritative name server address(es) of z serve the exact key at r. 1 address(es) not checked (Lambda outside a VPC has no IPv6 egress): 2001:db8::1.',
      );
    });

    it('never counts a not-checked address as a match for retirement either', () => {
      const verdict = decideVerdict(
        'r',
        'z',
        [server('ns1', 'match'), skipped('ns1', '2001:db8::1')],
        'retired',
      );
      expect(verdict).toMatchObject({ verified: false, error: 'DnsRecordMismatch' });
    });

    it('fails as DnsLookupFailed when a name server has no address that was checked', () => {
      const verdict = decideVerdict('r', 'z', [server('ns1', 'match'), skipped('ns2', '2001:db8::2')]);
      expect(verdict).toMatchObject({ verified: false, error: 'DnsLookupFailed' });
      expect(verdict.message).toContain('No address of ns2 could be checked for r.');
    });

    it('never passes when nothing at all was checked', () => {
      expect(decideVerdict('r', 'z', [skipped('ns1', '2001:db8::1')]).verified).toBe(false);
    });

    it('shows a name server name from DNS with control characters escaped', () => {
      const verdict = decideVerdict('r', 'z', [
        server('ns1', 'match'),
        skipped('ns2\u001b[2J\n', '2001:db8::2'),
      ]);
      expect(verdict.message).toContain('No address of ns2\\x1b[2J\\x0a could be checked');
      expect(verdict.message).toMatch(/^[\x20-\x7e]*$/);
    });
  });
});
