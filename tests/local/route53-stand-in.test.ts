/**
 * The Route 53 stand-in: ChangeResourceRecordSets, GetChange, ListResourceRecordSets,
 * GetHostedZone and throttling through the SDK, raw HTTP, and the records reaching the local
 * authoritative DNS servers. Long on purpose: one case per Route 53 behaviour the stand-in models.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  Route53Client,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import { LocalRoute53, type LocalRoute53Options } from '../../local/route53';
import { LocalDns } from '../../local/runner/local-dns';
import { generateDkimKeyPair } from '../../shared/dkim/keys';
import { dkimRecordName } from '../../shared/dkim/selector';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { authoritativeTxtResolver } from '../../shared/dns/dkim-end-to-end';
import { MemoryZone } from '../support/memory-zone';
import { sdkError as rejectionOf } from '../support/sdk-error';

const DOMAIN = 'example.jp';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const OLD_NAME = dkimRecordName('old-20250101-001', DOMAIN);
const NEW_NAME = dkimRecordName('new-20250601-001', DOMAIN);
const OLD_VALUE = 'v=DKIM1; k=rsa; p=OLDKEY';

/** A 2048-bit key's record value: about 400 characters, so two character-strings. */
let dkimValue: string;

beforeAll(async () => {
  dkimValue = dkimTxtValue((await generateDkimKeyPair(2048)).publicKey);
});

const quoted = (value: string) => `"${value}"`;
const txtChange = (action: Change['Action'], name: string, value: string, ttl = 300): Change => ({
  Action: action,
  ResourceRecordSet: { Name: name, Type: 'TXT', TTL: ttl, ResourceRecords: [{ Value: value }] },
});

let route53: LocalRoute53 | undefined;
let client: Route53Client | undefined;
let servers: MemoryZone;

/** Starts the stand-in over `servers` and a client for it. */
async function start(
  options: Partial<LocalRoute53Options> = {},
  maxAttempts?: number,
): Promise<Route53Client> {
  route53 = new LocalRoute53({
    zones: [{ hostedZoneId: ZONE_ID, domain: DOMAIN }],
    dns: servers,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    ...options,
  });
  await route53.start();
  client = new Route53Client({
    region: 'us-east-1',
    endpoint: route53.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
  return client;
}

function stand(): LocalRoute53 {
  if (!route53) throw new Error('the stand-in is not started');
  return route53;
}

const change = (r53: Route53Client, changes: Change[], zone = ZONE_ID) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: changes } }));

async function list(r53: Route53Client, input: Partial<ListResourceRecordSetsCommandInput> = {}) {
  return r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE_ID, ...input }));
}

/** The listed TXT set at `name`, if any. */
async function listedTxt(r53: Route53Client, name: string) {
  const listed = await list(r53);
  return listed.ResourceRecordSets?.find((set) => set.Type === 'TXT' && set.Name === `${name}.`);
}

/** The error the SDK throws for `promise`. */
const sdkError = (promise: Promise<unknown>) => rejectionOf(promise, Route53ServiceException);

async function waitForInsync(r53: Route53Client, id: string | undefined, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ChangeInfo } = await r53.send(new GetChangeCommand({ Id: id }));
    if (ChangeInfo?.Status === 'INSYNC') return;
    if (Date.now() > deadline)
      throw new Error(`change ${id} still ${ChangeInfo?.Status} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

beforeEach(() => {
  servers = new MemoryZone(DOMAIN);
});

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await route53?.stop();
  route53 = undefined;
});

describe('LocalRoute53 ChangeResourceRecordSets', () => {
  it('creates a TXT set, lists it at once and pushes the joined value to the name servers', async () => {
    // GIVEN the stand-in over empty zones
    const r53 = await start();

    // WHEN a DKIM record is created as two character-strings, the way the workflow sends it
    const value = `${quoted(dkimValue.slice(0, 255))} ${quoted(dkimValue.slice(255))}`;
    const response = await change(r53, [txtChange('CREATE', `${NEW_NAME}.`, value)]);

    // THEN Route 53's answer is a pending change, the listing shows both strings, DNS the joined text
    expect(dkimValue.length).toBeGreaterThan(255);
    expect(response.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]{13}$/);
    expect(response.ChangeInfo?.Status).toBe('PENDING');
    expect(response.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
    expect((await listedTxt(r53, NEW_NAME))?.ResourceRecords).toEqual([{ Value: value }]);
    expect(servers.served(NEW_NAME)).toBe(dkimValue);
    expect(stand().changes()).toEqual([
      expect.objectContaining({
        changeId: response.ChangeInfo?.Id,
        zone: ZONE_ID,
        action: 'CREATE',
        name: NEW_NAME,
        type: 'TXT',
        ttl: 300,
        values: [dkimValue],
      }),
    ]);
  });

  it('refuses a second CREATE of the same set with InvalidChangeBatch and keeps the first value', async () => {
    // GIVEN a record created once
    const r53 = await start();
    await change(r53, [txtChange('CREATE', NEW_NAME, quoted('first'))]);

    // WHEN it is created again with another value (upper case, no trailing dot)
    const error = await sdkError(
      change(r53, [txtChange('CREATE', NEW_NAME.toUpperCase(), quoted('second'))]),
    );

    // THEN Route 53's error, and nothing changed
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `[Tried to create resource record set [name='${NEW_NAME}.', type='TXT'] but it already exists]`,
    );
    expect(servers.served(NEW_NAME)).toBe('first');
    expect((await listedTxt(r53, NEW_NAME))?.ResourceRecords).toEqual([{ Value: '"first"' }]);
    expect(stand().changes()).toHaveLength(1);
  });

  it('applies a batch whole or not at all, naming every problem', async () => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN one good change travels with two bad ones
    const error = await sdkError(
      change(r53, [
        txtChange('CREATE', NEW_NAME, quoted('good')),
        txtChange('CREATE', 'sel._domainkey.notexample.jp', quoted('outside')),
        txtChange('DELETE', OLD_NAME, quoted(OLD_VALUE)),
      ]),
    );

    // THEN the batch is refused with both problems, and the good change was not applied
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.message).toBe(
      `[RRSet with DNS name sel._domainkey.notexample.jp. is not permitted in zone ${DOMAIN}., ` +
        `Tried to delete resource record set [name='${OLD_NAME}.', type='TXT'] but it was not found]`,
    );
    expect(await listedTxt(r53, NEW_NAME)).toBeUndefined();
    expect(servers.served(NEW_NAME)).toBeUndefined();
    expect(stand().changes()).toEqual([]);
  });

  it('judges each change against the zone as the earlier changes of the batch leave it', async () => {
    // GIVEN a record
    const r53 = await start();
    await change(r53, [txtChange('CREATE', NEW_NAME, quoted('before'))]);

    // WHEN one batch deletes it and creates it again with another value
    await change(r53, [
      txtChange('DELETE', NEW_NAME, quoted('before')),
      txtChange('CREATE', NEW_NAME, quoted('after')),
    ]);

    // THEN the batch was valid and the servers serve the new value
    expect(servers.served(NEW_NAME)).toBe('after');
  });

  it('imports the records served at start so the old key can be deleted with its exact value', async () => {
    // GIVEN the old key already served before the stand-in starts
    servers.publishTxt(DOMAIN, OLD_NAME, OLD_VALUE);
    const r53 = await start();
    const listed = await listedTxt(r53, OLD_NAME);
    expect(listed).toEqual(
      expect.objectContaining({ TTL: 60, ResourceRecords: [{ Value: quoted(OLD_VALUE) }] }),
    );

    // WHEN the record set is deleted exactly as listed
    await change(r53, [{ Action: 'DELETE', ResourceRecordSet: listed }]);

    // THEN it is gone from the zone and from the name servers
    expect(await listedTxt(r53, OLD_NAME)).toBeUndefined();
    expect(servers.served(OLD_NAME)).toBeUndefined();
    expect(stand().changes()).toEqual([
      expect.objectContaining({ action: 'DELETE', name: OLD_NAME, values: [OLD_VALUE] }),
    ]);
  });

  it.each([
    ['another value', quoted('v=DKIM1; k=rsa; p=OTHER'), 60],
    ['another TTL', quoted(OLD_VALUE), 300],
  ])('refuses a DELETE with %s and keeps the record', async (_label, value, ttl) => {
    // GIVEN the old key served
    servers.publishTxt(DOMAIN, OLD_NAME, OLD_VALUE);
    const r53 = await start();

    // WHEN a DELETE does not match the current set
    const error = await sdkError(change(r53, [txtChange('DELETE', OLD_NAME, value, ttl)]));

    // THEN Route 53 refuses it and the record stays
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.message).toBe(
      `[Tried to delete resource record set [name='${OLD_NAME}.', type='TXT'] but the values provided do not match the current values]`,
    );
    expect(servers.served(OLD_NAME)).toBe(OLD_VALUE);
    expect(await listedTxt(r53, OLD_NAME)).toBeDefined();
  });

  it('compares names case-insensitively, with or without the trailing dot', async () => {
    // GIVEN a record created with an upper-case name and no trailing dot
    const r53 = await start();
    await change(r53, [txtChange('CREATE', NEW_NAME.toUpperCase(), quoted('v'))]);

    // WHEN it is deleted by its lower-case, fully qualified name
    await change(r53, [txtChange('DELETE', `${NEW_NAME}.`, quoted('v'))]);

    // THEN the set was found and removed everywhere
    expect(await listedTxt(r53, NEW_NAME)).toBeUndefined();
    expect(servers.served(NEW_NAME)).toBeUndefined();
  });

  it('creates with UPSERT, then replaces the value with UPSERT', async () => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN a set is upserted twice
    await change(r53, [txtChange('UPSERT', NEW_NAME, quoted('one'))]);
    const afterFirst = servers.served(NEW_NAME);
    await change(r53, [txtChange('UPSERT', NEW_NAME, quoted('two'), 120)]);

    // THEN the second value and TTL replace the first
    expect(afterFirst).toBe('one');
    expect(servers.served(NEW_NAME)).toBe('two');
    expect(await listedTxt(r53, NEW_NAME)).toEqual(
      expect.objectContaining({ TTL: 120, ResourceRecords: [{ Value: '"two"' }] }),
    );
  });

  it.each([
    ['a 256-character string', quoted('a'.repeat(256)), 'CharacterStringTooLong (Value is too long)'],
    [
      'an unquoted value',
      'v=DKIM1; p=abc',
      'InvalidCharacterString (Value should be enclosed in quotation marks)',
    ],
    [
      'an unterminated string',
      '"v=DKIM1',
      'InvalidCharacterString (Value should be enclosed in quotation marks)',
    ],
  ])('refuses %s as Route 53 does', async (_label, value, problem) => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN the value is sent
    const error = await sdkError(change(r53, [txtChange('CREATE', NEW_NAME, value)]));

    // THEN InvalidChangeBatch names the problem and nothing is created
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.message).toBe(
      `[Invalid Resource Record: FATAL problem: ${problem} encountered with '${value}']`,
    );
    expect(servers.served(NEW_NAME)).toBeUndefined();
  });

  it('unescapes \\" and \\\\ in a value and escapes them again in listings', async () => {
    // GIVEN the stand-in
    const r53 = await start();
    const value = String.raw`"say \"hi\" \\ bye" "2"`;

    // WHEN a value with escapes is created
    await change(r53, [txtChange('CREATE', NEW_NAME, value)]);

    // THEN the servers get the text, the listing the same escaped form
    expect(servers.served(NEW_NAME)).toBe(String.raw`say "hi" \ bye2`);
    expect((await listedTxt(r53, NEW_NAME))?.ResourceRecords).toEqual([{ Value: value }]);
  });

  it('refuses record types other than TXT with InvalidInput', async () => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN a CNAME is created
    const error = await sdkError(
      change(r53, [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: NEW_NAME,
            Type: 'CNAME',
            TTL: 300,
            ResourceRecords: [{ Value: 'sel.dkim.example.net' }],
          },
        },
      ]),
    );

    // THEN it is refused as input the stand-in does not manage
    expect(error.name).toBe('InvalidInput');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain('only manages TXT');
    expect(stand().changes()).toEqual([]);
  });

  it('answers NoSuchHostedZone (404) for an unknown zone', async () => {
    // GIVEN the stand-in with one zone
    const r53 = await start();

    // WHEN another zone is changed and listed
    const changing = await sdkError(change(r53, [txtChange('CREATE', NEW_NAME, quoted('v'))], 'ZUNKNOWN'));
    const listing = await sdkError(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZUNKNOWN' })));

    // THEN both fail with Route 53's error
    for (const error of [changing, listing]) {
      expect(error.name).toBe('NoSuchHostedZone');
      expect(error.$metadata.httpStatusCode).toBe(404);
      expect(error.message).toBe('No hosted zone found with ID: ZUNKNOWN');
    }
  });
});

describe('LocalRoute53 GetChange', () => {
  it('reports PENDING until the change reaches the name servers, then INSYNC', async () => {
    // GIVEN changes that take 2 s to reach the name servers (ample for the checks below on a busy CI machine)
    const r53 = await start({ propagationMs: 2_000 });

    // WHEN a record is created
    const response = await change(r53, [txtChange('CREATE', NEW_NAME, quoted('v'))]);
    const id = response.ChangeInfo?.Id;

    // THEN it is listed at once but PENDING and not yet served…
    const early = await r53.send(new GetChangeCommand({ Id: id }));
    expect(early.ChangeInfo?.Status).toBe('PENDING');
    expect(servers.served(NEW_NAME)).toBeUndefined();
    expect(await listedTxt(r53, NEW_NAME)).toBeDefined();

    // …and INSYNC once served
    await waitForInsync(r53, id);
    expect(servers.served(NEW_NAME)).toBe('v');
  });

  it('pushes changes to the name servers in the order Route 53 accepted them', async () => {
    // GIVEN a propagation delay long enough for the DELETE to arrive before the CREATE propagated
    const r53 = await start({ propagationMs: 1_500 });

    // WHEN a record is created and deleted before the first change propagated
    const created = await change(r53, [txtChange('CREATE', NEW_NAME, quoted('v'))]);
    const deleted = await change(r53, [txtChange('DELETE', NEW_NAME, quoted('v'))]);
    // (the DELETE really was accepted while the CREATE was still on its way)
    expect((await r53.send(new GetChangeCommand({ Id: created.ChangeInfo?.Id }))).ChangeInfo?.Status).toBe(
      'PENDING',
    );
    await waitForInsync(r53, deleted.ChangeInfo?.Id);

    // THEN the servers end as the zone does: without the record
    expect(servers.served(NEW_NAME)).toBeUndefined();
  });

  it('answers NoSuchChange (404) for an unknown change id', async () => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN an unknown change is asked for
    const error = await sdkError(r53.send(new GetChangeCommand({ Id: '/change/CNOSUCHCHANGE1' })));

    // THEN Route 53's error
    expect(error.name).toBe('NoSuchChange');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });
});

describe('LocalRoute53 ListResourceRecordSets', () => {
  const names = ['b.example.jp', 'x.a.example.jp', 'a.example.jp', 'a-b.example.jp', 'example.jp'];

  async function startWithNames(): Promise<Route53Client> {
    const r53 = await start();
    await change(
      r53,
      names.map((name) => txtChange('CREATE', name, quoted(name))),
    );
    return r53;
  }

  it('lists the apex SOA and NS and every TXT set in Route 53 order (reversed labels, then type)', async () => {
    // GIVEN TXT sets at several names
    const r53 = await startWithNames();

    // WHEN the whole zone is listed
    const listed = await list(r53);

    // THEN the order is Route 53's: '-' sorts before '.', a parent before its children
    expect(listed.ResourceRecordSets?.map((set) => `${set.Name} ${set.Type}`)).toEqual([
      'example.jp. NS',
      'example.jp. SOA',
      'example.jp. TXT',
      'a-b.example.jp. TXT',
      'a.example.jp. TXT',
      'x.a.example.jp. TXT',
      'b.example.jp. TXT',
    ]);
    expect(listed.IsTruncated).toBe(false);
    expect(listed.MaxItems).toBe(300);
    const ns = listed.ResourceRecordSets?.find((set) => set.Type === 'NS');
    expect(ns?.ResourceRecords).toEqual([{ Value: 'ns1.example.jp.' }]);
  });

  it('starts at a name and type and pages with NextRecordName / NextRecordType', async () => {
    // GIVEN TXT sets at several names
    const r53 = await startWithNames();

    // WHEN two sets are listed from a.example.jp TXT
    const page = await list(r53, { StartRecordName: 'a.example.jp', StartRecordType: 'TXT', MaxItems: 2 });

    // THEN the page holds that set and the next one, and says where to go on
    expect(page.ResourceRecordSets?.map((set) => set.Name)).toEqual(['a.example.jp.', 'x.a.example.jp.']);
    expect(page.IsTruncated).toBe(true);
    expect(page.NextRecordName).toBe('b.example.jp.');
    expect(page.NextRecordType).toBe('TXT');
    expect(page.MaxItems).toBe(2);
  });

  it('treats the start name as a position, not a filter, as Route 53 does', async () => {
    // GIVEN TXT sets at several names
    const r53 = await startWithNames();

    // WHEN listing from a name that has no record
    const page = await list(r53, { StartRecordName: 'aa.example.jp', StartRecordType: 'TXT', MaxItems: 1 });

    // THEN the next set in order comes back: a client must check the name itself
    expect(page.ResourceRecordSets?.map((set) => set.Name)).toEqual(['b.example.jp.']);
    expect(page.IsTruncated).toBe(false);
  });

  it('lists from a type at the apex', async () => {
    // GIVEN TXT sets at several names
    const r53 = await startWithNames();

    // WHEN listing from the apex SOA
    const page = await list(r53, { StartRecordName: 'example.jp.', StartRecordType: 'SOA', MaxItems: 1 });

    // THEN the SOA set comes first, NS (before it) is skipped
    expect(page.ResourceRecordSets?.map((set) => `${set.Name} ${set.Type}`)).toEqual(['example.jp. SOA']);
    expect(page.NextRecordType).toBe('TXT');
  });
});

describe('LocalRoute53 GetHostedZone and throttling', () => {
  it('describes a zone given with the /hostedzone/ prefix', async () => {
    // GIVEN the stand-in
    const r53 = await start();

    // WHEN the zone is asked for with the prefix the SDK strips
    const zone = await r53.send(new GetHostedZoneCommand({ Id: `/hostedzone/${ZONE_ID}` }));

    // THEN Route 53's shape
    expect(zone.HostedZone?.Id).toBe(`/hostedzone/${ZONE_ID}`);
    expect(zone.HostedZone?.Name).toBe('example.jp.');
    expect(zone.DelegationSet?.NameServers).toEqual(['ns1.example.jp']);
  });

  it('throttles above requestsPerSecond with the Throttling error', async () => {
    // GIVEN one request every 10 seconds (so a slow machine cannot refill a token mid-test), and a
    // client that does not retry
    const r53 = await start({ requestsPerSecond: 0.1 }, 1);

    // WHEN five requests arrive at once
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => list(r53)));

    // THEN one passes and the others are throttled as Route 53 does
    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(4);
    for (const error of rejected) {
      expect(error).toBeInstanceOf(Route53ServiceException);
      expect(error.name).toBe('Throttling');
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('refuses invalid options, naming each', () => {
    // WHEN the stand-in is built with a prefixed zone id and a negative delay
    const build = () =>
      new LocalRoute53({
        zones: [{ hostedZoneId: `/hostedzone/${ZONE_ID}`, domain: DOMAIN }],
        dns: servers,
        propagationMs: -1,
      });

    // THEN one error names both
    expect(build).toThrow(/hostedZoneId "\/hostedzone\/Z0123456789ABCDEFGHIJ".*propagationMs must be/);
  });
});

describe('LocalRoute53 over raw HTTP', () => {
  const post = (body: string) =>
    fetch(`${stand().endpoint}/2013-04-01/hostedzone/${ZONE_ID}/rrset/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body,
    });

  it('accepts a pretty-printed body with entities, on the path with a trailing slash', async () => {
    // GIVEN the stand-in
    await start();

    // WHEN another client's indented request arrives
    const response = await post(`<?xml version="1.0" encoding="UTF-8"?>
<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <ChangeBatch>
    <Comment>rotate &amp; publish</Comment>
    <Changes>
      <Change>
        <Action>CREATE</Action>
        <ResourceRecordSet>
          <Name>${NEW_NAME}.</Name>
          <Type>TXT</Type>
          <TTL>300</TTL>
          <ResourceRecords><ResourceRecord><Value>&quot;v=DKIM1; p=&lt;x&gt;&quot;</Value></ResourceRecord></ResourceRecords>
        </ResourceRecordSet>
      </Change>
    </Changes>
  </ChangeBatch>
</ChangeResourceRecordSetsRequest>`);

    // THEN the change is accepted with its comment
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toMatch(/<Comment>rotate (&amp;|&#38;) publish<\/Comment>/);
    expect(servers.served(NEW_NAME)).toBe('v=DKIM1; p=<x>');
  });

  it.each([
    ['malformed XML', '<ChangeResourceRecordSetsRequest><ChangeBatch>'],
    ['a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><ChangeResourceRecordSetsRequest/>'],
  ])('answers %s with InvalidInput in Route 53 error document', async (_label, body) => {
    // GIVEN the stand-in
    await start();

    // WHEN the body is not acceptable XML
    const response = await post(body);

    // THEN a 400 with Route 53's error document, and nothing applied
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(
      /^<\?xml version="1.0"\?>\n<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>InvalidInput<\/Code><Message>Invalid XML ; .+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    expect(stand().changes()).toEqual([]);
  });
});

describe('LocalRoute53 over the local authoritative DNS servers', () => {
  let dir: string;
  let dns: LocalDns | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'route53-stand-in-'));
  });

  afterEach(async () => {
    await dns?.stop();
    dns = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a CREATE on every server, joined, and stops serving a DELETEd record', async () => {
    // GIVEN two local name servers already serving the old key, and the stand-in over them
    dns = await LocalDns.start(dir, [DOMAIN], 2);
    dns.publishTxt(DOMAIN, OLD_NAME, OLD_VALUE);
    const r53 = await start({ dns, propagationMs: 50 });
    const resolvers = dns
      .endpoints()
      .map((endpoint) => authoritativeTxtResolver(endpoint, { timeoutMs: 1_000 }));

    // WHEN the new key is created as two strings and the old one deleted as listed
    const created = await change(r53, [
      txtChange('CREATE', NEW_NAME, `${quoted(dkimValue.slice(0, 255))} ${quoted(dkimValue.slice(255))}`),
    ]);
    const old = await listedTxt(r53, OLD_NAME);
    const deleted = await change(r53, [{ Action: 'DELETE', ResourceRecordSet: old }]);
    await waitForInsync(r53, created.ChangeInfo?.Id);
    await waitForInsync(r53, deleted.ChangeInfo?.Id);

    // THEN every server answers the new key (joined, as a verifier reads it) and not the old one
    expect(dns.txtOn(DOMAIN, 0, NEW_NAME)).toEqual([dkimValue]);
    for (const resolve of resolvers) {
      const answers = await resolve(NEW_NAME, 'TXT');
      expect(answers.map((strings) => strings.join(''))).toEqual([dkimValue]);
      await expect(resolve(OLD_NAME, 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    }
  });
});
