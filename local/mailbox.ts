/**
 * The local environment's mail sink: every message the SES stand-in "sends" lands here, raw,
 * with what the stand-in knows about it. The probe reads the raw bytes and verifies DKIM on its
 * own; the metadata is for people and assertions, never the source of a verdict.
 */

/** How a message was signed, as the SES stand-in did it. */
export interface MailboxDkim {
  /** `d=` */
  readonly domain: string;
  /** `s=` */
  readonly selector: string;
  readonly origin: 'AWS_SES' | 'EXTERNAL';
}

/** One delivered message. */
export interface MailboxMessage {
  /** The `MessageId` SendEmail returned. */
  readonly messageId: string;
  readonly region: string;
  readonly receivedAt: Date;
  /** Envelope sender (the From address). */
  readonly from: string;
  /** Envelope recipients. */
  readonly to: readonly string[];
  /** The message as it would leave SES: headers, DKIM-Signature when signed, body. */
  readonly raw: Buffer;
  /** The signature SES added, or undefined when it sent the message unsigned. */
  readonly dkim?: MailboxDkim;
  /** Why it went unsigned: `signing-disabled`, `dkim-PENDING`, `dkim-FAILED`, `no-domain-identity`, … */
  readonly unsignedReason?: string;
}

/** A filter for {@link Mailbox.messages}. */
export interface MailboxFilter {
  readonly region?: string;
  /** Messages delivered at or after this time. */
  readonly since?: Date;
  readonly signed?: boolean;
}

/** Keeps delivered messages in memory, in delivery order. */
export class Mailbox {
  readonly #messages: MailboxMessage[] = [];
  readonly #listeners = new Set<(message: MailboxMessage) => void>();

  /** Stores a message (called by the SES stand-in). */
  deliver(message: MailboxMessage): void {
    this.#messages.push(message);
    for (const listener of this.#listeners) listener(message);
  }

  /** Messages matching `filter`, oldest first. */
  messages(filter: MailboxFilter = {}): MailboxMessage[] {
    return this.#messages.filter(
      (message) =>
        (filter.region === undefined || message.region === filter.region) &&
        (filter.since === undefined || message.receivedAt >= filter.since) &&
        (filter.signed === undefined || (message.dkim !== undefined) === filter.signed),
    );
  }

  /** The message SendEmail answered with `messageId`. */
  find(messageId: string): MailboxMessage | undefined {
    return this.#messages.find((message) => message.messageId === messageId);
  }

  /** Calls `listener` for each message delivered from now on; returns the unsubscribe function. */
  onDeliver(listener: (message: MailboxMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#messages.length;
  }

  clear(): void {
    this.#messages.length = 0;
  }
}
