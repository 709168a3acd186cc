/**
 * An SES v2 stand-in for the local environment: the REST JSON API the rotation calls
 * (`/v2/email/identities…`, `/v2/email/outbound-emails`), per region, reached by an unmodified
 * SESv2Client through `endpoint`. It behaves like SES where the rotation's safety depends on it:
 *
 * - validates `DomainSigningPrivateKey` and `DomainSigningSelector` as SES does (shared/dkim);
 * - after a switch, DKIM status is PENDING until SES finds the record served — BYODKIM: the
 *   selector's TXT with the matching key (injected `isKeyPublished`); Easy DKIM: the identity's
 *   three CNAME records (injected `isCnamePublished`) — and `discoveryDelayMs` more, then
 *   SUCCESS; FAILED when the verification window passes first; a forced outcome can override
 *   that for scenarios;
 * - throttles identity API calls per region (default 1 request/s, TooManyRequestsException 429);
 * - SendEmail DKIM-signs with the key in use when SUCCESS and signing is enabled, and sends
 *   unsigned while PENDING (or FAILED, or disabled), into a {@link Mailbox}.
 *
 * Easy DKIM (origin AWS_SES) is modelled as SES does it: three tokens per identity and region,
 * signatures `s=<token>`, keys hosted at `<token>.dkim.amazonses.com` (published through the
 * injected `hostEasyDkimKeys`), and the domain's CNAME records to them
 * ({@link SesStandIn.easyDkimRecords}). One stand-in "AWS" key serves every token.
 *
 * Signatures are not verified; the region is read from the SigV4 credential scope.
 */
import { generateKeyPair, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { assertValidSelector } from '../../shared/dkim/selector';
import { parseSesSigningPrivateKey } from '../../shared/dkim/ses-signing-key';
import { InvalidInputError } from '../../shared/errors';
import { FaultInjector, type FaultSpec } from '../faults';
import { type Clock, closeServer, header, listenOnLoopback, readBody, systemClock } from '../http';
import type { AwsAuthorizer } from '../iam/local-iam';
import { accessKeyOfAuthorization } from '../iam/principals';
import { LOCAL_ACCOUNT } from '../iam/template-resolver';
import { Mailbox } from '../mailbox';
import type { EasyDkimCname, HostedKeyRecord } from './easy-dkim';
import { SesError, sesErrorStatus, validationError } from './errors';
import {
  DkimIdentities,
  type DkimSigningKeyLength,
  type ForcedOutcome,
  type Identity,
  type IdentitySnapshot,
  normaliseIdentity,
  type SigningKey,
  type SigningSwitch,
  signingKey,
} from './identities';
import type { IsCnamePublished, IsKeyPublished } from './key-publication';
import { composeMessage, type SendEmailRequest, signMessage } from './send-email';
import { regionFromAuthorization } from './sigv4';
import { TokenBucket } from './throttle';

/** SES's verification window for a DKIM record: 72 hours. */
export const SES_VERIFICATION_WINDOW_MS = 72 * 60 * 60 * 1000;

/** Request rates. */
export interface SesThrottleOptions {
  /**
   * Identity API requests per second per region (everything but SendEmail); SES allows 1.
   * `Infinity` turns the limit off.
   * @default 1
   */
  readonly requestsPerSecond?: number;
  /** Requests that may arrive at once before throttling starts. @default 1 */
  readonly burst?: number;
  /** SendEmail calls per second per region (SES's maximum send rate). @default 14 */
  readonly sendsPerSecond?: number;
}

/** Options of {@link startSesStandIn}. */
export interface SesStandInOptions {
  /**
   * Whether the selector's TXT record with exactly this key is served. Wire it to the local DNS
   * (see key-publication.ts); SES asks it until SUCCESS or the window closes.
   */
  readonly isKeyPublished: IsKeyPublished;
  /**
   * Whether an Easy DKIM CNAME record (`<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`)
   * is served. Wire it to the local DNS; SES needs all three of an identity's.
   * @default - no CNAME is ever served: an Easy DKIM switch stays PENDING, then FAILED
   */
  readonly isCnamePublished?: IsCnamePublished;
  /**
   * Where SES publishes the public key of each Easy DKIM token it hands out, as
   * `<token>.dkim.amazonses.com` TXT (AWS's zone): what receivers reach through the CNAMEs.
   * @default - published nowhere: Easy DKIM mail then fails verification at receivers
   */
  readonly hostEasyDkimKeys?: (records: readonly HostedKeyRecord[]) => void;
  /** Where sent mail goes. @default a new Mailbox */
  readonly mailbox?: Mailbox;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** How long SES looks for the record before FAILED. @default 72 hours */
  readonly verificationWindowMs?: number;
  /**
   * How long SES stays PENDING after it first finds the record(s) of a switch served (real SES
   * takes minutes); a record served before the switch is found at the switch, so SUCCESS comes
   * this long after it. Scenarios use it to make the PENDING window visible. @default 0
   */
  readonly discoveryDelayMs?: number;
  /** How often the stand-in re-checks PENDING identities in the background. @default 250 */
  readonly pollIntervalMs?: number;
  /** Outcomes that override DNS for matching switches (scenarios: "SES FAILED after 2 s"). */
  readonly forcedOutcomes?: readonly ForcedOutcome[];
  /** Rate limits; `false` turns throttling off. @default { requestsPerSecond: 1, burst: 1, sendsPerSecond: 14 } */
  readonly throttle?: SesThrottleOptions | false;
  /** Injected failures, e.g. `{ operation: 'PutEmailIdentityDkimSigningAttributes', error: 'TooManyRequestsException', times: 2 }`. */
  readonly faults?: readonly FaultSpec[];
  /** The stand-in "AWS" key every Easy DKIM token signs with. @default a 2048-bit key generated at start */
  readonly easyDkim?: { readonly privateKey?: KeyObject };
  /** @default Date.now */
  readonly clock?: Clock;
  /** IAM for every request (the caller is the SigV4 access key). @default every request allowed */
  readonly authorizer?: AwsAuthorizer;
}

/** One request the stand-in answered (for assertions such as "never applied"). */
export interface SesRequestRecord {
  readonly region: string;
  readonly operation: string;
  /** The identity in the path or body, when there is one. */
  readonly identity?: string;
  readonly status: number;
  /** The error code when it failed. */
  readonly error?: string;
  readonly at: number;
}

/** A running SES stand-in. */
export interface SesStandIn {
  /** `http://127.0.0.1:<port>`: the SESv2Client `endpoint`. */
  readonly endpoint: string;
  readonly mailbox: Mailbox;
  readonly faults: FaultInjector;
  /** The identity state machine (seed identities, add forced outcomes, read switches). */
  readonly identities: DkimIdentities;
  /** Every request answered, oldest first. */
  requests(): readonly SesRequestRecord[];
  /** Every signing switch (PENDING start), oldest first, with its settle time once it ended. */
  switches(): readonly SigningSwitch[];
  /** An identity's current signing state after bringing its status up to date, or undefined. */
  describe(region: string, identity: string): Promise<IdentitySnapshot | undefined>;
  /**
   * Makes a domain already verified and signing, as an account set up long ago would be:
   * with an external key (`privateKey` + `selector`) or Easy DKIM.
   */
  seedIdentity(region: string, domain: string, signing: SeedSigning): IdentitySnapshot;
  /**
   * The Easy DKIM CNAME records of `domain`'s identity, per region (or in `region` only): the
   * records the domain must publish for Easy DKIM to verify, as GetEmailIdentity's `Tokens` give
   * them. Empty where the identity never used Easy DKIM.
   */
  easyDkimRecords(domain: string, region?: string): (EasyDkimCname & { readonly region: string })[];
  /** Stops the server and the background checks. */
  stop(): Promise<void>;
}

/** Signing of a seeded identity. */
export type SeedSigning =
  | {
      readonly origin: 'EXTERNAL';
      readonly selector: string;
      readonly privateKey: KeyObject;
      readonly signingEnabled?: boolean;
    }
  | { readonly origin: 'AWS_SES'; readonly signingEnabled?: boolean };

const generateRsaKeyPair = promisify(generateKeyPair);

/** Starts the SES v2 stand-in on 127.0.0.1. */
export async function startSesStandIn(options: SesStandInOptions): Promise<SesStandIn> {
  const clock = options.clock ?? systemClock;
  const easyDkimPrivateKey =
    options.easyDkim?.privateKey ??
    (await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 65537 })).privateKey;
  const identities = new DkimIdentities({
    isKeyPublished: options.isKeyPublished,
    isCnamePublished: options.isCnamePublished ?? (async () => false),
    easyDkimPrivateKey,
    hostEasyDkimKeys: options.hostEasyDkimKeys ?? (() => undefined),
    clock,
    verificationWindowMs: options.verificationWindowMs ?? SES_VERIFICATION_WINDOW_MS,
    discoveryDelayMs: options.discoveryDelayMs ?? 0,
    forcedOutcomes: options.forcedOutcomes ?? [],
  });
  const mailbox = options.mailbox ?? new Mailbox();
  const faults = new FaultInjector(options.faults ?? [], sesErrorStatus);
  const api = new SesApi(identities, mailbox, faults, clock, options.throttle, options.authorizer);
  const server: Server = createServer((request, response) => {
    api.handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, new SesError('InternalFailure', String(error)));
      else response.destroy();
    });
  });
  const endpoint = await listenOnLoopback(server, options.port ?? 0);
  // SES keeps looking for pending records on its own, whether or not anyone asks.
  const poller = setInterval(() => {
    identities.refreshAll().catch(() => undefined);
  }, options.pollIntervalMs ?? 250);
  poller.unref();

  return {
    endpoint,
    mailbox,
    faults,
    identities,
    requests: () => api.records(),
    switches: () => identities.switches(),
    async describe(region, name) {
      const identity = identities.find(region, normaliseIdentity(name));
      if (!identity) return undefined;
      await identities.refresh(identity);
      return identities.snapshot(identity);
    },
    seedIdentity(region, domain, signing) {
      const identity = identities.seed(
        region,
        normaliseIdentity(domain),
        signing.origin === 'EXTERNAL'
          ? { origin: 'EXTERNAL', key: signingKey(assertValidSelector(signing.selector), signing.privateKey) }
          : { origin: 'AWS_SES' },
        signing.signingEnabled ?? true,
      );
      return identities.snapshot(identity);
    },
    easyDkimRecords(domain, region) {
      const name = normaliseIdentity(domain);
      return identities
        .all()
        .filter((identity) => identity.name === name && (region === undefined || identity.region === region))
        .flatMap((identity) =>
          identities.easyDkimCnames(identity).map((record) => ({ region: identity.region, ...record })),
        );
    },
    async stop() {
      clearInterval(poller);
      await closeServer(server);
    },
  };
}

interface Route {
  readonly operation: string;
  readonly identity?: string;
}

function route(method: string, path: string): Route | undefined {
  if (path === '/v2/email/identities' || path === '/v2/email/identities/') {
    if (method === 'POST') return { operation: 'CreateEmailIdentity' };
    if (method === 'GET') return { operation: 'ListEmailIdentities' };
    return undefined;
  }
  // The SDK's current model (@aws-sdk/client-sesv2 3.11xx) sends ListEmailIdentities as POST with a
  // JSON body (Filter, NextToken, PageSize); older clients use GET /v2/email/identities.
  if (path === '/v2/email/list-identities' && method === 'POST') return { operation: 'ListEmailIdentities' };
  if (path === '/v2/email/outbound-emails' && method === 'POST') return { operation: 'SendEmail' };
  const match = /^\/v2\/email\/identities\/([^/]+)(\/dkim(\/signing)?)?\/?$/.exec(path);
  if (!match) return undefined;
  const identity = normaliseIdentity(decodeURIComponent(match[1] ?? ''));
  if (match[3] && method === 'PUT') return { operation: 'PutEmailIdentityDkimSigningAttributes', identity };
  if (match[2] && !match[3] && method === 'PUT')
    return { operation: 'PutEmailIdentityDkimAttributes', identity };
  if (!match[2] && method === 'GET') return { operation: 'GetEmailIdentity', identity };
  if (!match[2] && method === 'DELETE') return { operation: 'DeleteEmailIdentity', identity };
  return undefined;
}

type Json = Record<string, unknown>;

class SesApi {
  readonly #records: SesRequestRecord[] = [];
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly identities: DkimIdentities,
    private readonly mailbox: Mailbox,
    private readonly faults: FaultInjector,
    private readonly clock: Clock,
    private readonly throttle: SesThrottleOptions | false | undefined,
    private readonly authorizer?: AwsAuthorizer,
  ) {}

  records(): readonly SesRequestRecord[] {
    return [...this.#records];
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const found = route(request.method ?? 'GET', url.pathname);
    const region = regionFromAuthorization(header(request, 'authorization'));
    const record = (status: number, error?: string): void => {
      this.#records.push({
        region: region ?? '',
        operation: found?.operation ?? 'Unknown',
        ...(found?.identity ? { identity: found.identity } : {}),
        status,
        ...(error ? { error } : {}),
        at: this.clock(),
      });
    };
    try {
      if (!found) {
        throw new SesError(
          'UnknownOperationException',
          `No SES v2 operation at ${request.method} ${url.pathname}.`,
        );
      }
      if (!region) {
        throw new SesError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      await this.#authorize(request, region, found, body);
      const fault = this.faults.take({
        operation: found.operation,
        region,
        ...(found.identity ? { resource: found.identity } : {}),
      });
      if (fault) throw new SesError(fault.error, fault.message, fault.httpStatus);
      this.#enforceRate(region, found.operation);
      // GET operations take their parameters from the query string (ListEmailIdentities'
      // PageSize and NextToken are URI request parameters).
      const input =
        request.method === 'GET' ? Object.fromEntries(url.searchParams.entries()) : parseJson(body);
      const output = await this.#dispatch(region, found, input);
      record(200);
      sendJson(response, 200, output);
    } catch (error) {
      const sesError =
        error instanceof SesError
          ? error
          : new SesError('InternalFailure', 'The request processing has failed.');
      record(sesError.status, sesError.code);
      sendError(response, sesError);
    }
  }

  /**
   * IAM first, as AWS does: `ses:<Operation>` on the identity's ARN (Service Authorization
   * Reference, Amazon SES v2: identity resources; ListEmailIdentities has none, so `*`).
   */
  async #authorize(request: IncomingMessage, region: string, found: Route, body: Buffer): Promise<void> {
    if (!this.authorizer) return;
    let identity = found.identity;
    if (found.operation === 'SendEmail' || found.operation === 'CreateEmailIdentity') {
      const input = parseJson(body);
      const named = String(input.FromEmailAddress ?? input.EmailIdentity ?? '');
      identity = normaliseIdentity(named.includes('@') ? (named.split('@').pop() ?? '') : named);
    }
    const decision = await this.authorizer.authorize({
      accessKeyId: accessKeyOfAuthorization(header(request, 'authorization')),
      action: `ses:${found.operation}`,
      resource:
        identity === undefined ? '*' : `arn:aws:ses:${region}:${LOCAL_ACCOUNT.account}:identity/${identity}`,
    });
    if (!decision.allowed) throw new SesError('AccessDeniedException', decision.message);
  }

  #enforceRate(region: string, operation: string): void {
    if (this.throttle === false) return;
    const sending = operation === 'SendEmail';
    const rate = sending ? (this.throttle?.sendsPerSecond ?? 14) : (this.throttle?.requestsPerSecond ?? 1);
    if (rate === Number.POSITIVE_INFINITY) return;
    const bucketKey = `${sending ? 'send' : 'api'}:${region}`;
    let bucket = this.#buckets.get(bucketKey);
    if (!bucket) {
      bucket = new TokenBucket(rate, sending ? Math.max(1, rate) : (this.throttle?.burst ?? 1), this.clock);
      this.#buckets.set(bucketKey, bucket);
    }
    if (!bucket.tryTake()) {
      throw new SesError(
        'TooManyRequestsException',
        sending ? 'Maximum sending rate exceeded.' : 'Too many requests have been made to the operation.',
      );
    }
  }

  async #dispatch(region: string, found: Route, input: Json): Promise<Json> {
    const name = found.identity ?? '';
    switch (found.operation) {
      case 'CreateEmailIdentity':
        return this.#create(region, input);
      case 'ListEmailIdentities':
        return listEmailIdentitiesPage(this.identities.list(region), input);
      case 'GetEmailIdentity': {
        const identity = this.identities.get(region, name);
        await this.identities.refresh(identity);
        return this.#describe(identity);
      }
      case 'DeleteEmailIdentity':
        this.identities.delete(region, name);
        return {};
      case 'PutEmailIdentityDkimAttributes': {
        const identity = this.identities.get(region, name);
        if (typeof input.SigningEnabled !== 'boolean' && input.SigningEnabled !== undefined) {
          throw validationError('signingEnabled', 'Member must be a boolean');
        }
        // SigningEnabled is optional in the model and defaults to false, as in SES.
        this.identities.setSigningEnabled(identity, input.SigningEnabled === true);
        return {};
      }
      case 'PutEmailIdentityDkimSigningAttributes': {
        const identity = this.identities.get(region, name);
        this.identities.putSigning(
          identity,
          this.#signingRequest(input.SigningAttributesOrigin, input.SigningAttributes),
        );
        // No DNS check here: SES answers PENDING and verifies asynchronously.
        const dkim = this.#dkimAttributes(identity);
        return { DkimStatus: dkim.Status, DkimTokens: dkim.Tokens };
      }
      default:
        return this.#send(region, input as SendEmailRequest);
    }
  }

  #create(region: string, input: Json): Json {
    const raw = input.EmailIdentity;
    if (typeof raw !== 'string' || raw.trim() === '')
      throw validationError('emailIdentity', 'Member must not be null');
    const name = normaliseIdentity(raw);
    const attributes = input.DkimSigningAttributes as Json | undefined;
    let signing: Parameters<DkimIdentities['create']>[2];
    if (attributes !== undefined && !name.includes('@')) {
      // CreateEmailIdentity takes the origin inside DkimSigningAttributes; a selector and key
      // without it mean BYODKIM, as in the SES guide's create-email-identity example.
      const origin =
        attributes.DomainSigningAttributesOrigin ??
        (attributes.DomainSigningPrivateKey !== undefined ? 'EXTERNAL' : 'AWS_SES');
      const request = this.#signingRequest(origin, attributes);
      signing = request.origin === 'EXTERNAL' ? request : { origin: 'AWS_SES' };
    }
    const tags = Array.isArray(input.Tags) ? (input.Tags as { Key: string; Value: string }[]) : [];
    const identity = this.identities.create(region, name, signing, tags);
    return {
      IdentityType: identity.type,
      VerifiedForSendingStatus: identity.verifiedForSending,
      DkimAttributes: this.#dkimAttributes(identity),
    };
  }

  /** Validates signing attributes exactly as SES does before anything changes. */
  #signingRequest(
    origin: unknown,
    attributes: unknown,
  ): { origin: 'EXTERNAL'; key: SigningKey } | { origin: 'AWS_SES'; nextKeyLength?: DkimSigningKeyLength } {
    const fields = (attributes ?? {}) as Json;
    if (origin === 'AWS_SES') {
      const next = fields.NextSigningKeyLength;
      if (next !== undefined && next !== 'RSA_1024_BIT' && next !== 'RSA_2048_BIT') {
        throw validationError(
          'signingAttributes.nextSigningKeyLength',
          'Member must satisfy enum value set: [RSA_1024_BIT, RSA_2048_BIT]',
        );
      }
      return next === undefined ? { origin } : { origin, nextKeyLength: next };
    }
    if (origin !== 'EXTERNAL') {
      throw validationError(
        'signingAttributesOrigin',
        'Member must satisfy enum value set: [AWS_SES, EXTERNAL]',
      );
    }
    const selector = fields.DomainSigningSelector;
    const privateKey = fields.DomainSigningPrivateKey;
    if (typeof selector !== 'string' || typeof privateKey !== 'string') {
      throw new SesError(
        'BadRequestException',
        'DomainSigningSelector and DomainSigningPrivateKey are required when SigningAttributesOrigin is EXTERNAL.',
      );
    }
    try {
      assertValidSelector(selector);
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw validationError('signingAttributes.domainSigningSelector', error.message);
      }
      throw error;
    }
    let key: KeyObject;
    try {
      key = parseSesSigningPrivateKey(privateKey);
    } catch (error) {
      // The message never quotes the key: it may end up in a log.
      if (error instanceof InvalidInputError) {
        throw validationError('signingAttributes.domainSigningPrivateKey', error.message);
      }
      throw error;
    }
    return { origin: 'EXTERNAL', key: signingKey(selector, key) };
  }

  #dkimAttributes(identity: Identity): Json {
    const dkim = identity.dkim;
    if (!dkim) {
      return { SigningEnabled: false, Status: 'NOT_STARTED', Tokens: [], SigningAttributesOrigin: 'AWS_SES' };
    }
    const easy = dkim.origin === 'AWS_SES';
    return {
      SigningEnabled: identity.signingEnabled,
      Status: dkim.status,
      // BYODKIM: the selector. Easy DKIM: the three tokens of the CNAME records (API_DkimAttributes).
      Tokens: easy ? [...(identity.easyDkimTokens ?? [])] : [dkim.key.selector],
      SigningAttributesOrigin: dkim.origin,
      // The key-length and generation fields are documented "[Easy DKIM]" only
      // (API_DkimAttributes): SES leaves them out for BYODKIM, so code must not rely on them.
      ...(easy
        ? {
            NextSigningKeyLength: identity.nextSigningKeyLength,
            CurrentSigningKeyLength: dkim.key.keyLength === 1024 ? 'RSA_1024_BIT' : 'RSA_2048_BIT',
            LastKeyGenerationTimestamp: identity.lastKeyGenerationAt / 1000,
          }
        : {}),
    };
  }

  #describe(identity: Identity): Json {
    const dkim = this.#dkimAttributes(identity);
    return {
      IdentityType: identity.type,
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: identity.verifiedForSending,
      VerificationStatus: identity.type === 'DOMAIN' ? dkim.Status : 'SUCCESS',
      DkimAttributes: dkim,
      MailFromAttributes: { BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
      Policies: {},
      Tags: identity.tags,
    };
  }

  async #send(region: string, input: SendEmailRequest): Promise<Json> {
    const message = await composeMessage(input, region);
    const address = message.from.toLowerCase();
    const domain = address.split('@').pop() ?? '';
    const addressIdentity = this.identities.find(region, address);
    const domainIdentity = this.#domainIdentity(region, domain);
    if (!addressIdentity?.verifiedForSending && !domainIdentity?.verifiedForSending) {
      throw new SesError(
        'MessageRejected',
        `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${message.from}`,
      );
    }
    let raw = message.raw;
    let dkim: { domain: string; selector: string; origin: 'AWS_SES' | 'EXTERNAL' } | undefined;
    let unsignedReason: string | undefined;
    if (!domainIdentity) {
      unsignedReason = 'no-domain-identity';
    } else {
      await this.identities.refresh(domainIdentity);
      const state = domainIdentity.dkim;
      if (!domainIdentity.signingEnabled) unsignedReason = 'signing-disabled';
      else if (state?.status !== 'SUCCESS') unsignedReason = `dkim-${state?.status ?? 'NOT_STARTED'}`;
      else {
        // SES signs only with a key whose record it has found (SUCCESS); right after a switch it
        // sends unsigned until then, which is the window the probe's `unsigned` count measures.
        dkim = { domain: domainIdentity.name, selector: state.key.selector, origin: state.origin };
        raw = await signMessage(raw, { ...dkim, privateKey: state.key.privateKey });
      }
    }
    this.mailbox.deliver({
      messageId: message.messageId,
      region,
      receivedAt: new Date(this.clock()),
      from: message.from,
      to: message.to,
      raw,
      ...(dkim ? { dkim } : {}),
      ...(unsignedReason ? { unsignedReason } : {}),
    });
    return { MessageId: message.messageId };
  }

  /** The domain identity that covers `domain`: itself or its closest verified parent. */
  #domainIdentity(region: string, domain: string): Identity | undefined {
    const labels = domain.split('.');
    for (let start = 0; start < labels.length - 1; start += 1) {
      const identity = this.identities.find(region, labels.slice(start).join('.'));
      if (identity?.type === 'DOMAIN') return identity;
    }
    return undefined;
  }
}

function parseJson(body: Buffer): Json {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  throw new SesError('BadRequestException', 'The request body is not a JSON object.');
}

function sendJson(response: ServerResponse, status: number, value: Json): void {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(body);
}

/** An error as SES sends it: code in x-amzn-ErrorType, `{"message"}` body. */
function sendError(response: ServerResponse, error: SesError): void {
  const body = Buffer.from(JSON.stringify({ message: error.message }));
  response.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'x-amzn-ErrorType': error.code,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(body);
}

/**
 * AWS documents no default page size for ListEmailIdentities, only that PageSize is 0 to 1000
 * (SES API Reference v2, ListEmailIdentities): the stand-in pages at 100 when none is given, so a
 * caller that ignores NextToken misses identities here as it could in AWS.
 */
export const LIST_IDENTITIES_DEFAULT_PAGE_SIZE = 100;

/** The SDK model's filter keys (IdentityFilterKey); an identity matches every filter given. */
function matchesFilter(
  identity: { type: string; name: string; dkim?: { status: string } },
  filter: unknown,
): boolean {
  if (filter === undefined) return true;
  if (typeof filter !== 'object' || filter === null) {
    throw new SesError('BadRequestException', 'Filter must be an object.');
  }
  for (const [key, value] of Object.entries(filter)) {
    const wanted = String(value);
    if (key === 'IDENTITY_TYPE' && identity.type !== wanted) return false;
    if (key === 'VERIFICATION_STATUS' && (identity.dkim?.status ?? 'SUCCESS') !== wanted) return false;
    if (key === 'IDENTITY_NAME_CONTAINS' && !identity.name.includes(wanted)) return false;
    if (!['IDENTITY_TYPE', 'VERIFICATION_STATUS', 'IDENTITY_NAME_CONTAINS'].includes(key)) {
      throw validationError(
        'filter',
        'Member must satisfy enum value set: [IDENTITY_NAME_CONTAINS, IDENTITY_TYPE, VERIFICATION_STATUS]',
      );
    }
  }
  return true;
}

/** One page of ListEmailIdentities; NextToken is opaque to callers (here: the next offset). */
function listEmailIdentitiesPage(
  all: ReadonlyArray<{ type: string; name: string; dkim?: { status: string } }>,
  input: Json,
): Json {
  const identities = all.filter((identity) => matchesFilter(identity, input.Filter));
  const pageSize = input.PageSize === undefined ? LIST_IDENTITIES_DEFAULT_PAGE_SIZE : Number(input.PageSize);
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
    throw validationError('pageSize', 'Member must have value less than or equal to 1000');
  }
  const offset =
    input.NextToken === undefined ? 0 : Number(Buffer.from(String(input.NextToken), 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0 || offset > identities.length) {
    throw new SesError('BadRequestException', 'Invalid NextToken.');
  }
  const end = offset + pageSize;
  return {
    EmailIdentities: identities.slice(offset, end).map((identity) => ({
      IdentityType: identity.type,
      IdentityName: identity.name,
      SendingEnabled: true,
      VerificationStatus: identity.dkim?.status ?? 'SUCCESS',
    })),
    ...(end < identities.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}
