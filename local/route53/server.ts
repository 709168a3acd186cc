/**
 * A Route 53 stand-in for the local environment: the REST-XML API (version 2013-04-01) the
 * rotation uses to publish and retire DKIM TXT records, reached by an unmodified
 * `Route53Client` through `endpoint`. It holds the hosted zones of the local domains and is their
 * source of truth, as Route 53 is:
 *
 * - at start it imports each zone's TXT records from the local name servers (so a key published
 *   before, such as the old DKIM key, can be listed and DELETEd with its exact value);
 * - ChangeResourceRecordSets checks the whole batch as Route 53 does and applies it atomically;
 *   listings show the change at once; the name servers get it `propagationMs` later, when
 *   GetChange turns from PENDING to INSYNC;
 * - requests are throttled per account as Route 53 does (5 per second, `Throttling` 400).
 *
 * Only TXT record sets of simple routing, one value each, are managed; signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { normaliseDomain } from '../../shared/dkim/domain';
import { type Clock, closeServer, listenOnLoopback, readBody, systemClock } from '../http';
import type { AwsAuthorizer } from '../iam/local-iam';
import { accessKeyOfAuthorization } from '../iam/principals';
import { TokenBucket } from '../ses/throttle';
import { route53Permission } from './authorization';
import { type ChangeAction, parseChangeBatchRequest, ROUTE53_RECORD_TYPES } from './change-batch';
import { type ChangeInfo, ChangeLog, newChangeId } from './change-log';
import { errorDocument, invalidInput, Route53Error } from './errors';
import { HostedZone, type ListedRecordSet } from './hosted-zone';
import { canonicalName } from './names';
import { joinTxtStrings } from './txt-value';
import { optionalElement, ROUTE53_API_VERSION, route53Document, xmlElement } from './xml';

/**
 * Where accepted changes end up: the authoritative servers of the local zones.
 * {@link LocalDns} (local/runner/local-dns.ts) satisfies it. Names are canonical: lower case,
 * no trailing dot (`sel._domainkey.example.jp`); values are the joined character-strings.
 */
export interface Route53ZoneTarget {
  publishTxt(domain: string, name: string, value: string): void;
  removeTxt(domain: string, name: string): void;
  /** The zone's current TXT records (on the primary server), values joined. */
  txtRecords(domain: string): readonly { readonly name: string; readonly value: string }[];
}

/** A hosted zone of the stand-in. */
export interface LocalRoute53Zone {
  /** Route 53's id without the `/hostedzone/` prefix: `Z` and upper-case letters and digits. */
  readonly hostedZoneId: string;
  /** The zone's apex, e.g. `example.jp`. */
  readonly domain: string;
  /** Host names of the zone's servers, for the SOA and NS sets. @default [`ns1.<domain>`] */
  readonly nameServers?: readonly string[];
}

/** Options of {@link LocalRoute53}. */
export interface LocalRoute53Options {
  /** The hosted zones; none is allowed (every call then answers NoSuchHostedZone). */
  readonly zones: readonly LocalRoute53Zone[];
  /** The name servers that serve the zones (and hold their records at start). */
  readonly dns: Route53ZoneTarget;
  /** How long a change stays PENDING before it reaches the name servers (then INSYNC). @default 0 */
  readonly propagationMs?: number;
  /**
   * API requests per second for the whole stand-in (Route 53: 5 per account), with a burst of
   * the same size; above it requests fail with `Throttling`. `Infinity` turns the limit off.
   * @default 5
   */
  readonly requestsPerSecond?: number;
  /** TTL given to the records imported at start. @default 60 (the local zone files' TTL) */
  readonly importedTtl?: number;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** Clock for SubmittedAt, `at` and the throttle. @default Date.now */
  readonly clock?: Clock;
  /** IAM for every request (the caller is the SigV4 access key). @default every request allowed */
  readonly authorizer?: AwsAuthorizer;
}

/** One change of an accepted batch, for assertions ("the old key was deleted once"). */
export interface AppliedChange {
  /** As Route 53 returns it: `/change/C…`. */
  readonly changeId: string;
  /** The zone id without prefix. */
  readonly zone: string;
  readonly domain: string;
  readonly action: ChangeAction;
  /** Canonical: lower case, no trailing dot. */
  readonly name: string;
  readonly type: 'TXT';
  readonly ttl: number;
  /** The record set's values, each with its character-strings joined (what a verifier reads). */
  readonly values: readonly string[];
  /** When the batch was accepted (epoch ms). */
  readonly at: number;
}

/** Route 53's account-wide request rate. */
export const ROUTE53_REQUESTS_PER_SECOND = 5;
/** Most record sets per ListResourceRecordSets page (and the default `maxitems`). */
export const ROUTE53_MAX_ITEMS = 300;

const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

function problemsOf(options: LocalRoute53Options): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const domains = new Set<string>();
  for (const zone of options.zones) {
    if (!ZONE_ID.test(zone.hostedZoneId)) {
      problems.push(
        `zones: hostedZoneId "${zone.hostedZoneId}" is not a Route 53 zone id (Z and up to 31 upper-case letters or digits, no /hostedzone/ prefix).`,
      );
    }
    if (ids.has(zone.hostedZoneId)) problems.push(`zones: hostedZoneId ${zone.hostedZoneId} appears twice.`);
    ids.add(zone.hostedZoneId);
    try {
      const domain = normaliseDomain(zone.domain);
      if (domains.has(domain)) problems.push(`zones: domain ${domain} appears twice.`);
      domains.add(domain);
    } catch (error) {
      problems.push(`zones: ${(error as Error).message}`);
    }
  }
  const nonNegative = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      problems.push(`${name} must be a finite number >= 0 (got ${value}).`);
    }
  };
  nonNegative('propagationMs', options.propagationMs);
  nonNegative('importedTtl', options.importedTtl);
  if (options.requestsPerSecond !== undefined && !(options.requestsPerSecond > 0)) {
    problems.push(
      `requestsPerSecond must be > 0, or Infinity for no limit (got ${options.requestsPerSecond}).`,
    );
  }
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)
  ) {
    problems.push(`port must be a whole number 0 to 65535 (got ${options.port}).`);
  }
  return problems;
}

/** The Route 53 stand-in. `start()` it, point a Route53Client at `endpoint`, `stop()` it. */
export class LocalRoute53 {
  readonly #zones = new Map<string, HostedZone>();
  readonly #dns: Route53ZoneTarget;
  readonly #clock: Clock;
  readonly #bucket: TokenBucket | undefined;
  readonly #log: ChangeLog;
  readonly #applied: AppliedChange[] = [];
  readonly #importedTtl: number;
  readonly #port: number;
  readonly #authorizer: AwsAuthorizer | undefined;
  #server: Server | undefined;
  #endpoint: string | undefined;

  /** @throws RangeError naming every invalid option and how to fix it. */
  constructor(options: LocalRoute53Options) {
    const problems = problemsOf(options);
    if (problems.length > 0) throw new RangeError(`LocalRoute53: ${problems.join(' ')}`);
    for (const zone of options.zones) {
      const domain = normaliseDomain(zone.domain);
      const nameServers = (zone.nameServers ?? [`ns1.${domain}`]).map(canonicalName);
      this.#zones.set(zone.hostedZoneId, new HostedZone(zone.hostedZoneId, domain, nameServers));
    }
    this.#dns = options.dns;
    this.#clock = options.clock ?? systemClock;
    const rate = options.requestsPerSecond ?? ROUTE53_REQUESTS_PER_SECOND;
    this.#bucket =
      rate === Number.POSITIVE_INFINITY
        ? undefined
        : new TokenBucket(rate, Math.max(1, Math.floor(rate)), this.#clock);
    this.#log = new ChangeLog(options.propagationMs ?? 0);
    this.#importedTtl = options.importedTtl ?? 60;
    this.#port = options.port ?? 0;
    this.#authorizer = options.authorizer;
  }

  /** `http://127.0.0.1:<port>`: the Route53Client `endpoint`. */
  get endpoint(): string {
    if (this.#endpoint === undefined) throw new Error('LocalRoute53 is not started: await start() first.');
    return this.#endpoint;
  }

  /** Imports each zone's current TXT records from the name servers and starts listening. */
  async start(): Promise<void> {
    if (this.#server) throw new Error('LocalRoute53 is already started.');
    for (const zone of this.#zones.values()) {
      zone.import(this.#dns.txtRecords(zone.domain), this.#importedTtl);
    }
    const server = createServer((request, response) => {
      this.#handle(request, response).catch(() => response.destroy());
    });
    this.#endpoint = await listenOnLoopback(server, this.#port);
    this.#server = server;
  }

  /** Stops listening; changes still PENDING never reach the name servers. */
  async stop(): Promise<void> {
    this.#log.stop();
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeServer(server);
  }

  /** Every change of every accepted batch, oldest first. */
  changes(): readonly AppliedChange[] {
    return [...this.#applied];
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let status = 200;
    let body: string;
    try {
      const payload = await readBody(request);
      await this.#authorize(request, payload.toString('utf8'));
      if (this.#bucket && !this.#bucket.tryTake()) throw new Route53Error('Throttling', 'Rate exceeded');
      body = this.#route(request.method ?? 'GET', request.url ?? '/', payload.toString('utf8'));
    } catch (error) {
      const failure =
        error instanceof Route53Error ? error : new Route53Error('InternalFailure', String(error));
      status = failure.status;
      body = errorDocument(failure, requestId);
    }
    const bytes = Buffer.from(body, 'utf8');
    response.writeHead(status, {
      'Content-Type': 'text/xml',
      'Content-Length': String(bytes.length),
      'x-amzn-RequestId': requestId,
    });
    response.end(bytes);
  }

  async #authorize(request: IncomingMessage, body: string): Promise<void> {
    const authorizer = this.#authorizer;
    const permission = route53Permission(request.method ?? 'GET', request.url ?? '/', body);
    if (!authorizer || !permission) return;
    const decision = await authorizer.authorize({
      ...permission,
      accessKeyId: accessKeyOfAuthorization(request.headers.authorization),
    });
    if (!decision.allowed) throw new Route53Error('AccessDenied', decision.message);
  }

  #route(method: string, url: string, body: string): string {
    const parsed = new URL(url, 'http://localhost');
    const [version, collection, rawId, sub, ...rest] = parsed.pathname
      .split('/')
      .filter((part) => part !== '');
    // The SDK strips `/hostedzone/` and `/change/` from ids; an encoded prefix is tolerated too.
    const id = decodeURIComponent(rawId ?? '').replace(/^\/?(hostedzone|change)\//, '');
    if (version === ROUTE53_API_VERSION && rest.length === 0) {
      if (collection === 'hostedzone' && sub === 'rrset' && method === 'POST') return this.#change(id, body);
      if (collection === 'hostedzone' && sub === 'rrset' && method === 'GET') {
        return this.#list(id, parsed.searchParams);
      }
      if (collection === 'hostedzone' && sub === undefined && method === 'GET') return this.#getZone(id);
      if (collection === 'change' && sub === undefined && method === 'GET') return this.#getChange(id);
    }
    throw new Route53Error(
      'NotImplemented',
      `The Route 53 stand-in implements ChangeResourceRecordSets, ListResourceRecordSets, GetChange and GetHostedZone only, not ${method} ${parsed.pathname}.`,
    );
  }

  #zone(id: string): HostedZone {
    const zone = this.#zones.get(id);
    if (!zone) throw new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
    return zone;
  }

  #change(zoneId: string, body: string): string {
    const zone = this.#zone(zoneId);
    const batch = parseChangeBatchRequest(body);
    const steps = zone.apply(batch.changes);
    const at = this.#clock();
    const id = newChangeId();
    for (const { action, set } of steps) {
      this.#applied.push({
        changeId: `/change/${id}`,
        zone: zone.id,
        domain: zone.domain,
        action,
        name: set.name,
        type: 'TXT',
        ttl: set.ttl,
        values: set.records.map(joinTxtStrings),
        at,
      });
    }
    const info = this.#log.submit(id, at, batch.comment, () => {
      for (const { action, set } of steps) {
        const [first] = set.records;
        if (action === 'DELETE' || first === undefined) this.#dns.removeTxt(zone.domain, set.name);
        else this.#dns.publishTxt(zone.domain, set.name, joinTxtStrings(first));
      }
    });
    return route53Document('ChangeResourceRecordSetsResponse', [changeInfoXml(info)]);
  }

  #getChange(id: string): string {
    const info = this.#log.get(id);
    if (!info)
      throw new Route53Error('NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
    if (info.failure !== undefined) {
      throw new Route53Error(
        'InternalFailure',
        `The Route 53 stand-in could not write change ${id} to the local name servers: ${info.failure}`,
      );
    }
    return route53Document('GetChangeResponse', [changeInfoXml(info)]);
  }

  #list(zoneId: string, query: URLSearchParams): string {
    const zone = this.#zone(zoneId);
    const name = query.get('name') ?? undefined;
    const type = query.get('type') ?? undefined;
    const maxItemsText = query.get('maxitems') ?? String(ROUTE53_MAX_ITEMS);
    if (query.has('identifier')) {
      throw invalidInput(
        'The Route 53 stand-in has no routing policies: StartRecordIdentifier is not supported.',
      );
    }
    if (type !== undefined && name === undefined) {
      throw invalidInput('StartRecordType was given without StartRecordName: give both, or the name alone.');
    }
    if (type !== undefined && !ROUTE53_RECORD_TYPES.includes(type)) {
      throw invalidInput(`StartRecordType '${type}' is not a Route 53 record type.`);
    }
    const maxItems = Number(maxItemsText);
    if (!/^\d+$/.test(maxItemsText) || maxItems < 1) {
      throw invalidInput(`MaxItems '${maxItemsText}' is not a whole number >= 1.`);
    }
    const page = zone.list(
      name === undefined ? undefined : { name, ...(type === undefined ? {} : { type }) },
      Math.min(maxItems, ROUTE53_MAX_ITEMS),
    );
    return route53Document('ListResourceRecordSetsResponse', [
      xmlElement('ResourceRecordSets', page.sets.map(recordSetXml)),
      xmlElement('IsTruncated', String(page.next !== undefined)),
      optionalElement('NextRecordName', page.next?.name),
      optionalElement('NextRecordType', page.next?.type),
      xmlElement('MaxItems', maxItemsText),
    ]);
  }

  #getZone(zoneId: string): string {
    const zone = this.#zone(zoneId);
    return route53Document('GetHostedZoneResponse', [
      xmlElement('HostedZone', [
        xmlElement('Id', `/hostedzone/${zone.id}`),
        xmlElement('Name', `${zone.domain}.`),
        xmlElement('CallerReference', `local-${zone.id}`),
        xmlElement('Config', [xmlElement('PrivateZone', 'false')]),
        xmlElement('ResourceRecordSetCount', String(zone.recordSetCount())),
      ]),
      xmlElement('DelegationSet', [
        xmlElement(
          'NameServers',
          zone.nameServers.map((host) => xmlElement('NameServer', host)),
        ),
      ]),
    ]);
  }
}

function changeInfoXml(info: ChangeInfo): string {
  return xmlElement('ChangeInfo', [
    xmlElement('Id', `/change/${info.id}`),
    xmlElement('Status', info.status),
    xmlElement('SubmittedAt', new Date(info.submittedAt).toISOString()),
    optionalElement('Comment', info.comment),
  ]);
}

function recordSetXml(set: ListedRecordSet): string {
  return xmlElement('ResourceRecordSet', [
    xmlElement('Name', set.name),
    xmlElement('Type', set.type),
    xmlElement('TTL', String(set.ttl)),
    xmlElement(
      'ResourceRecords',
      set.values.map((value) => xmlElement('ResourceRecord', [xmlElement('Value', value)])),
    ),
  ]);
}
