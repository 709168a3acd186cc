import type { KeyObject } from 'node:crypto';
import type * as dnsPacket from 'dns-packet';
import { checkDkimRecords } from '../dkim/txt-record';
import type { DnsResponse } from './transport';
import type { ServerCheck } from './types';

/** Longest CNAME chain followed; longer chains are a misconfiguration (or a loop). */
export const MAX_CNAME_CHAIN = 8;

const sameName = (a: string, b: string): boolean =>
  a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/** The RDATA of a record as dns-packet decodes it (OPT pseudo-records have none). */
export function answerData(answer: dnsPacket.Answer): unknown {
  return (answer as { data?: unknown }).data;
}

/** The CNAME chain and TXT records an answer section holds for `name`. */
export interface AnswerChain {
  /** The name the chain ends at (`name` itself when there is no CNAME). */
  readonly finalName: string;
  /** The CNAME targets in order. */
  readonly cnames: readonly string[];
  /** TXT records owned by `finalName`, each as its character-strings. */
  readonly txt: readonly (readonly Buffer[])[];
}

/** Follows the CNAMEs of `name` inside one answer section and collects the TXT records at the end. */
export function readAnswerChain(answers: readonly dnsPacket.Answer[], name: string): AnswerChain {
  const cnames: string[] = [];
  let current = name;
  for (let hop = 0; hop < MAX_CNAME_CHAIN; hop += 1) {
    const cname = answers.find((answer) => answer.type === 'CNAME' && sameName(answer.name, current));
    const target = cname ? answerData(cname) : undefined;
    if (typeof target !== 'string') break;
    current = target;
    cnames.push(current);
  }
  const txt = answers
    .filter((answer) => answer.type === 'TXT' && sameName(answer.name, current))
    .map((answer) => {
      const data = (answer as dnsPacket.TxtAnswer).data;
      return (Array.isArray(data) ? data : [data]).map((part) =>
        typeof part === 'string' ? Buffer.from(part) : part,
      );
    });
  return { finalName: current, cnames, txt };
}

/** The per-server verdict plus what a caller needs to follow a CNAME elsewhere. */
export interface EvaluatedAnswer extends Omit<ServerCheck, 'name' | 'address'> {
  readonly chain?: AnswerChain;
}

/**
 * What the response's header alone decides, whatever record type was asked: an error rcode is
 * `refused`, an answer without AA is `lame`, NXDOMAIN is `missing`; undefined when the answer
 * section must be read (the TXT and CNAME checks share this rule).
 */
export function headerVerdict(response: DnsResponse): Pick<ServerCheck, 'result' | 'detail'> | undefined {
  if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') {
    return { result: 'refused', detail: `${response.rcode} from the server` };
  }
  if (!response.flag_aa) {
    return {
      result: 'lame',
      detail: 'answer without the authoritative (AA) flag: the server is not authoritative for the zone',
    };
  }
  if (response.rcode === 'NXDOMAIN')
    return { result: 'missing', detail: 'NXDOMAIN: the name does not exist' };
  return undefined;
}

/**
 * Judges an authoritative server's answer to `TXT <name>` against the expected key (pure: no I/O).
 *
 * - no AA flag (a referral, a cache, a server that is not authoritative) → `lame`;
 * - SERVFAIL, REFUSED, NOTIMP, FORMERR → `refused`;
 * - NXDOMAIN, or NOERROR without a TXT record → `missing`;
 * - otherwise the DKIM records are compared with {@link checkDkimRecords}.
 *
 * When the answer is a CNAME whose target's records are not in it, the result is `missing` with
 * `chain` set, so the caller can ask for the target.
 */
export function evaluateTxtAnswer(
  response: DnsResponse,
  name: string,
  expectedKey: KeyObject,
): EvaluatedAnswer {
  const header = headerVerdict(response);
  if (header !== undefined) return header;
  const chain = readAnswerChain(response.answers ?? [], name);
  // CNAME targets are record content (the server's operator writes them): counted, never quoted.
  const hops = chain.cnames.length;
  const via = hops > 0 ? ` (via ${hops} CNAME${hops === 1 ? '' : 's'})` : '';
  if (chain.txt.length === 0) {
    const where = hops > 0 ? 'where the CNAME chain ends' : `at ${name}`;
    return { result: 'missing', detail: `NODATA: no TXT record ${where}${via}`, chain };
  }
  const check = checkDkimRecords(chain.txt, expectedKey);
  const detail = `${check.detail}${via}`;
  return check.result === 'mismatch'
    ? { result: 'mismatch', reason: check.reason, detail, chain }
    : { result: check.result, detail, chain };
}
