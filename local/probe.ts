/**
 * The DKIM probe: the measured proof of invariants 1 and 2. At every state transition the local
 * environment sends one message per region through the SES stand-in with the real SESv2Client,
 * takes the raw message from the mailbox and verifies its DKIM signature with mailauth, an
 * independent verifier, against the local DNS (the injected resolver). It never trusts what the
 * stand-in says it did: the verdict comes from the bytes and the DNS alone.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DNSResolver } from 'mailauth';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import type { Mailbox } from './mailbox';

/** The `probe` field of the run summary. */
export interface ProbeCounts {
  /** Messages SES accepted. */
  readonly sent: number;
  /** Signed, and the signature verifies against DNS for the From domain. */
  readonly passed: number;
  /** Signed, but the signature does not verify (wrong or missing record): breaks invariant 1/2. */
  readonly failed: number;
  /** Sent without a DKIM signature (SES during PENDING right after a switch). */
  readonly unsigned: number;
}

/** Verdict on one message. `not-sent` when SendEmail failed (not counted in {@link ProbeCounts}). */
export type ProbeOutcome = 'passed' | 'failed' | 'unsigned' | 'not-sent';

/** One probe message and its verdict. */
export interface ProbeResult {
  readonly region: string;
  readonly domain: string;
  /** What the caller was doing, e.g. the state just entered. */
  readonly label?: string;
  readonly outcome: ProbeOutcome;
  readonly messageId?: string;
  /** Selector of the verified (or failing) signature. */
  readonly selector?: string;
  /** mailauth's Authentication-Results text, or the SendEmail error. */
  readonly detail: string;
  readonly at: Date;
}

/** Options of {@link DkimProbe}. */
export interface DkimProbeOptions {
  /** The SESv2Client for a region, pointed at the stand-in (see startLocalAws().sesClientConfig). */
  readonly sesClient: (region: string) => SESv2Client;
  /** The mailbox the SES stand-in delivers to. */
  readonly mailbox: Mailbox;
  /**
   * DNS lookups for the verifier, mailauth's shape: `(name, 'TXT')` resolves with string[][]
   * (one array of character-strings per record) and rejects with code ENOTFOUND/ENODATA when
   * there is none. Point it at the local authoritative DNS.
   */
  readonly resolver: DNSResolver;
  /** Recipient of probe messages. @default 'probe@probe.invalid' */
  readonly recipient?: string;
  /** Local part of the sender at the domain. @default 'dkim-probe' */
  readonly senderLocalPart?: string;
}

/** A DKIM verdict on a raw message. */
export interface DkimVerdict {
  readonly outcome: Exclude<ProbeOutcome, 'not-sent'>;
  readonly selector?: string;
  readonly detail: string;
}

function aligned(signingDomain: string, fromDomain: string): boolean {
  const signer = signingDomain.toLowerCase();
  const from = fromDomain.toLowerCase();
  return from === signer || from.endsWith(`.${signer}`);
}

/**
 * Verifies the DKIM signatures of `raw` with mailauth: `passed` when a signature aligned with
 * `fromDomain` verifies, `unsigned` when there is no signature, `failed` otherwise.
 */
export async function verifyDkim(
  raw: Buffer,
  fromDomain: string,
  resolver: DNSResolver,
): Promise<DkimVerdict> {
  const { results } = await dkimVerify(raw, { resolver });
  const signatures = results.filter((result) => result.status.result !== 'none' || result.signingDomain);
  if (signatures.length === 0) return { outcome: 'unsigned', detail: results[0]?.info ?? 'dkim=none' };
  const passing = signatures.find(
    (result) => result.status.result === 'pass' && aligned(result.signingDomain ?? '', fromDomain),
  );
  const chosen = passing ?? signatures[0];
  return {
    outcome: passing ? 'passed' : 'failed',
    ...(chosen?.selector ? { selector: chosen.selector } : {}),
    detail: chosen?.info ?? 'dkim=fail',
  };
}

/** Sends probe messages and keeps the tally. */
export class DkimProbe {
  readonly #results: ProbeResult[] = [];

  constructor(private readonly options: DkimProbeOptions) {}

  /** Sends one message from `domain` in `region`, verifies it, records and returns the verdict. */
  async send(input: {
    readonly region: string;
    readonly domain: string;
    readonly label?: string;
  }): Promise<ProbeResult> {
    const base = {
      region: input.region,
      domain: input.domain,
      ...(input.label ? { label: input.label } : {}),
    };
    const from = `${this.options.senderLocalPart ?? 'dkim-probe'}@${input.domain}`;
    let messageId: string | undefined;
    try {
      const output = await this.options.sesClient(input.region).send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [this.options.recipient ?? 'probe@probe.invalid'] },
          Content: {
            Simple: {
              Subject: { Data: `DKIM probe ${input.label ?? ''}`.trim() },
              Body: { Text: { Data: `Probe for ${input.domain} in ${input.region}.\r\n` } },
            },
          },
        }),
      );
      messageId = output.MessageId;
    } catch (error) {
      return this.#record({
        ...base,
        outcome: 'not-sent',
        detail: `${(error as Error).name}: ${(error as Error).message}`,
      });
    }
    const message = messageId === undefined ? undefined : this.options.mailbox.find(messageId);
    if (!message) {
      return this.#record({
        ...base,
        outcome: 'not-sent',
        detail: `message ${messageId ?? '?'} not in the mailbox`,
      });
    }
    const verdict = await verifyDkim(message.raw, input.domain, this.options.resolver);
    return this.#record({ ...base, ...verdict, messageId: message.messageId });
  }

  /** Sends one probe per region, in parallel. */
  sendAll(regions: readonly string[], domain: string, label?: string): Promise<ProbeResult[]> {
    return Promise.all(regions.map((region) => this.send({ region, domain, ...(label ? { label } : {}) })));
  }

  /** The tally for the run summary. */
  counts(): ProbeCounts {
    const count = (outcome: ProbeOutcome): number =>
      this.#results.filter((result) => result.outcome === outcome).length;
    const passed = count('passed');
    const failed = count('failed');
    const unsigned = count('unsigned');
    return { sent: passed + failed + unsigned, passed, failed, unsigned };
  }

  /** Every probe so far, oldest first. */
  results(): readonly ProbeResult[] {
    return [...this.#results];
  }

  #record(result: Omit<ProbeResult, 'at'>): ProbeResult {
    const recorded = { ...result, at: new Date() };
    this.#results.push(recorded);
    return recorded;
  }
}
