import { type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import { SesError, validationError } from './errors';

/** The SendEmail request body fields the stand-in uses (SES v2 SendEmailRequest). */
export interface SendEmailRequest {
  readonly FromEmailAddress?: string;
  readonly Destination?: {
    readonly ToAddresses?: readonly string[];
    readonly CcAddresses?: readonly string[];
    readonly BccAddresses?: readonly string[];
  };
  readonly ReplyToAddresses?: readonly string[];
  readonly Content?: {
    readonly Simple?: {
      readonly Subject?: { readonly Data?: string };
      readonly Body?: {
        readonly Text?: { readonly Data?: string };
        readonly Html?: { readonly Data?: string };
      };
      readonly Headers?: readonly { readonly Name: string; readonly Value: string }[];
    };
    /** `Data` is base64 in the JSON body (a blob member). */
    readonly Raw?: { readonly Data?: string };
    readonly Template?: unknown;
  };
}

/** A composed message before signing. */
export interface ComposedMessage {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
}

/** A MessageId shaped like SES's (`0106…-<uuid>-000000`). */
export function newSesMessageId(): string {
  return `0106${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;
}

function addressesOf(header: string | undefined): string[] {
  if (!header) return [];
  const flatten = (entries: ReturnType<typeof addressparser>): string[] =>
    entries.flatMap((entry) =>
      'group' in entry && entry.group ? flatten(entry.group) : [entry.address ?? ''],
    );
  return flatten(addressparser(header)).filter((address) => address !== '');
}

function rawHeader(raw: Buffer, name: string): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw
    .subarray(0, end < 0 ? raw.length : end)
    .toString('utf8')
    .replace(/\r\n[ \t]+/g, ' ');
  const line = head
    .split('\r\n')
    .find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/**
 * Builds the MIME message SES would send for a SendEmail request: Simple content through
 * nodemailer's composer, Raw content as given (with a Message-ID added when missing, as SES does).
 */
export async function composeMessage(request: SendEmailRequest, region: string): Promise<ComposedMessage> {
  const messageId = newSesMessageId();
  const headerMessageId = `<${messageId}@${region}.amazonses.com>`;
  const content = request.Content;
  const destination = [
    ...(request.Destination?.ToAddresses ?? []),
    ...(request.Destination?.CcAddresses ?? []),
    ...(request.Destination?.BccAddresses ?? []),
  ];
  if (content?.Simple) {
    const simple = content.Simple;
    const from = request.FromEmailAddress;
    if (!from) throw validationError('fromEmailAddress', 'Member must not be null');
    if (destination.length === 0) throw new SesError('BadRequestException', 'Missing final @domain');
    const composer = new MailComposer({
      from,
      to: [...(request.Destination?.ToAddresses ?? [])],
      cc: [...(request.Destination?.CcAddresses ?? [])],
      replyTo: [...(request.ReplyToAddresses ?? [])],
      subject: simple.Subject?.Data ?? '',
      ...(simple.Body?.Text?.Data !== undefined ? { text: simple.Body.Text.Data } : {}),
      ...(simple.Body?.Html?.Data !== undefined ? { html: simple.Body.Html.Data } : {}),
      headers: Object.fromEntries((simple.Headers ?? []).map((item) => [item.Name, item.Value])),
      messageId: headerMessageId,
      date: new Date(),
      xMailer: false,
    });
    const raw = await composer.compile().build();
    return { messageId, from: addressesOf(from)[0] ?? from, to: destination, raw };
  }
  if (content?.Raw?.Data !== undefined) {
    let raw = Buffer.from(content.Raw.Data, 'base64');
    if (raw.length === 0) throw new SesError('MessageRejected', 'Raw message is empty.');
    // Raw messages often use LF; SES sends CRLF on the wire and DKIM is computed on that.
    raw = Buffer.from(raw.toString('binary').replace(/\r?\n/g, '\r\n'), 'binary');
    if (rawHeader(raw, 'Message-ID') === undefined) {
      raw = Buffer.concat([Buffer.from(`Message-ID: ${headerMessageId}\r\n`), raw]);
    }
    const from = request.FromEmailAddress ?? addressesOf(rawHeader(raw, 'From'))[0];
    if (!from) throw new SesError('MessageRejected', 'Missing From address.');
    const to =
      destination.length > 0
        ? destination
        : ['To', 'Cc', 'Bcc'].flatMap((name) => addressesOf(rawHeader(raw, name)));
    if (to.length === 0) throw new SesError('MessageRejected', 'Missing destination addresses.');
    return { messageId, from: addressesOf(from)[0] ?? from, to, raw };
  }
  if (content?.Template !== undefined) {
    throw new SesError('BadRequestException', 'Template content is not supported by the SES stand-in.');
  }
  throw validationError('content', 'Member must not be null');
}

/** What to sign with. */
export interface DkimSigner {
  readonly domain: string;
  readonly selector: string;
  readonly privateKey: KeyObject;
}

/** DKIM-signs a message (rsa-sha256, relaxed/relaxed) with nodemailer's signer. */
export async function signMessage(raw: Buffer, signer: DkimSigner): Promise<Buffer> {
  const dkim = new DKIM({
    domainName: signer.domain,
    keySelector: signer.selector,
    privateKey: signer.privateKey,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of dkim.sign(raw)) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
