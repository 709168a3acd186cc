/**
 * Reads a `ChangeResourceRecordSetsRequest` body into typed changes, refusing what Route 53's
 * schema refuses (InvalidInput / MalformedInput) and what the stand-in does not model: record
 * types other than TXT, routing policies, alias records and record sets of several values.
 * Whether the changes make sense against the zone is the hosted zone's job.
 */
import { invalidInput, Route53Error } from './errors';
import { childElement, childElements, parseXml, type XmlElement, XmlSyntaxError } from './xml-reader';

/** A change batch comment's limit (ResourceDescription in the Route 53 API model). */
const MAX_COMMENT_CHARS = 256;

/** What a change does. */
export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

const ACTIONS: readonly ChangeAction[] = ['CREATE', 'DELETE', 'UPSERT'];

/** Record types Route 53 knows (RRType in the API reference). */
export const ROUTE53_RECORD_TYPES: readonly string[] = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
];

/** ResourceRecordSet members of routing policies and aliases, which the stand-in does not model. */
const UNSUPPORTED_MEMBERS = [
  'AliasTarget',
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'GeoProximityLocation',
  'Failover',
  'MultiValueAnswer',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
];

/** Largest TTL Route 53 accepts (a signed 32-bit integer). */
const MAX_TTL = 2_147_483_647;

/** One change as requested, before it is checked against the zone. */
export interface RequestedChange {
  readonly action: ChangeAction;
  /** The name as sent (any case, with or without the trailing dot). */
  readonly name: string;
  readonly type: 'TXT';
  readonly ttl: number;
  /** The `Value` of each ResourceRecord, as sent (quoted character-strings). */
  readonly values: readonly string[];
}

/** A parsed change batch. */
export interface RequestedBatch {
  readonly comment?: string;
  readonly changes: readonly RequestedChange[];
}

function required(parent: XmlElement, name: string, where: string): XmlElement {
  const element = childElement(parent, name);
  if (!element) throw invalidInput(`Invalid XML ; ${where} has no ${name} element.`);
  return element;
}

function readChange(change: XmlElement, index: number): RequestedChange {
  const where = `Change ${index + 1}`;
  const action = required(change, 'Action', where).text.trim();
  const set = required(change, 'ResourceRecordSet', where);
  const name = required(set, 'Name', `${where}'s ResourceRecordSet`).text.trim();
  const type = required(set, 'Type', `${where}'s ResourceRecordSet`).text.trim();
  if (!ACTIONS.includes(action as ChangeAction)) {
    throw invalidInput(`Invalid XML ; ${where}: Action '${action}' is not one of ${ACTIONS.join(', ')}.`);
  }
  if (!ROUTE53_RECORD_TYPES.includes(type)) {
    throw invalidInput(`Invalid XML ; ${where}: Type '${type}' is not a Route 53 record type.`);
  }
  if (type !== 'TXT') {
    throw invalidInput(
      `The Route 53 stand-in only manages TXT record sets; ${where} asks to ${action} a ${type} record set at ${name}.`,
    );
  }
  const unsupported = UNSUPPORTED_MEMBERS.filter((member) => childElement(set, member));
  if (unsupported.length > 0) {
    throw invalidInput(
      `The Route 53 stand-in supports simple routing only; ${where} sets ${unsupported.join(', ')}.`,
    );
  }
  const ttlElement = childElement(set, 'TTL');
  const recordsElement = childElement(set, 'ResourceRecords');
  if (!ttlElement || !recordsElement) {
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=${action}, Name=${name}, Type=${type}, SetIdentifier=null]`,
    );
  }
  const ttlText = ttlElement.text.trim();
  const ttl = Number(ttlText);
  if (!/^\d+$/.test(ttlText) || ttl > MAX_TTL) {
    throw invalidInput(
      `Invalid XML ; ${where}: TTL '${ttlText}' is not a whole number of seconds 0 to ${MAX_TTL}.`,
    );
  }
  const records = childElements(recordsElement, 'ResourceRecord');
  if (records.length === 0) {
    throw invalidInput(`Invalid XML ; ${where}: ResourceRecords holds no ResourceRecord.`);
  }
  if (records.length > 1) {
    throw invalidInput(
      `The Route 53 stand-in holds one value per TXT record set (the local zones serve one TXT record per name); ${where} has ${records.length}.`,
    );
  }
  const values = records.map((record) => required(record, 'Value', `${where}'s ResourceRecord`).text);
  return { action: action as ChangeAction, name, type, ttl, values };
}

/**
 * Parses a ChangeResourceRecordSetsRequest body.
 * @throws Route53Error InvalidInput / MalformedInput, as Route 53 answers malformed requests.
 */
export function parseChangeBatchRequest(body: string): RequestedBatch {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalidInput(`Invalid XML ; ${error.message}`);
    throw error;
  }
  if (root.name !== 'ChangeResourceRecordSetsRequest') {
    throw new Route53Error(
      'MalformedInput',
      `${root.name} is not valid, expected ChangeResourceRecordSetsRequest`,
    );
  }
  const batch = required(root, 'ChangeBatch', 'ChangeResourceRecordSetsRequest');
  const changes = childElements(required(batch, 'Changes', 'ChangeBatch'), 'Change');
  if (changes.length === 0) {
    throw invalidInput(
      "Invalid XML ; The content of element 'Changes' is not complete: at least one Change is expected.",
    );
  }
  const comment = childElement(batch, 'Comment')?.text;
  // Route 53's model: ResourceDescription, at most 256 characters.
  if (comment !== undefined && comment.length > MAX_COMMENT_CHARS) {
    throw invalidInput(
      `1 validation error detected: Value '${comment}' at 'changeBatch.comment' failed to satisfy constraint: Member must have length less than or equal to ${MAX_COMMENT_CHARS}`,
    );
  }
  return { ...(comment === undefined ? {} : { comment }), changes: changes.map(readChange) };
}
