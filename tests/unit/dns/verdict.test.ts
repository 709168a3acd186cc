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
});
