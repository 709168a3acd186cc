/** A scripted DNS verifier (the real one is tested in tests/dns/). */
import type { KeyObject } from 'node:crypto';
import type { DnsVerification, VerifyDkimRecordInput } from '../../../shared/dns/types';
import { assertDnsVerified } from '../../../shared/dns/verdict';
import type { DnsVerifier } from '../../../shared/dns/verifier';

export type Verdict = 'match' | 'missing' | 'stale' | 'unreachable' | 'ipv6-not-checked';

export function verification(verdict: Verdict, recordName = 'r'): DnsVerification {
  if (verdict === 'ipv6-not-checked') {
    // Every IPv4 address matches; the IPv6 one was not asked (Lambda outside a VPC).
    return {
      verified: true,
      recordName,
      zone: 'example.jp',
      servers: [
        { name: 'ns1.example.jp', address: '192.0.2.1', result: 'match', detail: 'serves the key' },
        {
          name: 'ns1.example.jp',
          address: '2001:db8::1',
          result: 'not-checked',
          detail: 'Lambda outside a VPC has no IPv6 egress',
        },
      ],
      message: 'All checked 1 address(es) serve the key. 1 address(es) not checked.',
    };
  }
  const servers = [
    { name: 'ns1.example.jp', address: '192.0.2.1', result: 'match' as const, detail: 'serves the key' },
    {
      name: 'ns2.example.jp',
      address: '2001:db8::2',
      result:
        verdict === 'match'
          ? ('match' as const)
          : verdict === 'missing'
            ? ('missing' as const)
            : verdict === 'stale'
              ? ('mismatch' as const)
              : ('unreachable' as const),
      detail: verdict,
    },
  ];
  const error =
    verdict === 'match'
      ? undefined
      : verdict === 'missing'
        ? ('DnsRecordNotFound' as const)
        : verdict === 'stale'
          ? ('DnsRecordMismatch' as const)
          : ('DnsLookupFailed' as const);
  return {
    verified: verdict === 'match',
    recordName,
    zone: 'example.jp',
    servers,
    ...(error === undefined ? {} : { error }),
    message: verdict === 'match' ? 'all servers match' : `ns2.example.jp is ${verdict}`,
  };
}

/** A verifier answering from a script; records what it was asked. */
export function scriptedVerifier(script: {
  verdicts: Verdict[];
  endToEnd?: 'pass' | 'fail' | 'temperror' | 'none';
}) {
  const asked: { input: VerifyDkimRecordInput; privateKeySeen: boolean }[] = [];
  const verifier: DnsVerifier = {
    verifyDkimRecord: async (input) => {
      asked.push({ input, privateKeySeen: false });
      return verification(script.verdicts.shift() ?? 'match', `${input.selector}._domainkey.${input.domain}`);
    },
    assertDnsVerified,
    checkDkimEndToEnd: async (input: { privateKey: KeyObject }) => {
      asked.push({ input: input as never, privateKeySeen: input.privateKey.type === 'private' });
      return { result: script.endToEnd ?? 'pass', detail: 'scripted' };
    },
  };
  return { verifier, asked };
}
