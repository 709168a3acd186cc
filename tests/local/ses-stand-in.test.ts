/**
 * The SES v2 stand-in through an unmodified SESv2Client, its DKIM signatures checked with mailauth
 * against the fake zone, and PENDING for the discovery delay after every signing change. Long on
 * purpose: one case per SES behaviour the stand-in models.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  CreateEmailIdentityCommand,
  GetEmailIdentityCommand,
  PutEmailIdentityDkimAttributesCommand,
  PutEmailIdentityDkimSigningAttributesCommand,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { Mailbox } from '../../local/mailbox';
import { DkimProbe } from '../../local/probe';
import { type SesStandIn, type SesStandInOptions, startSesStandIn } from '../../local/ses/server';
import { unsignedWindowMs } from '../../local/ses/unsigned-window';
import { type DkimKeyPair, generateDkimKeyPair } from '../../shared/dkim/keys';
import { toSesSigningPrivateKey } from '../../shared/dkim/ses-signing-key';
import { sdkError as rejectionOf } from '../support/sdk-error';
import { FakeZone } from './fake-zone';

const DOMAIN = 'example.jp';
const TOKYO = 'ap-northeast-1';
const OSAKA = 'ap-northeast-3';

let oldKey: DkimKeyPair;
let newKey: DkimKeyPair;
let easyKey: KeyObject;

beforeAll(async () => {
  // 1024-bit keys keep the suite fast; SES accepts them and the 2048 path is the same code.
  [oldKey, newKey] = await Promise.all([generateDkimKeyPair(1024), generateDkimKeyPair(1024)]);
  easyKey = (await generateDkimKeyPair(1024)).privateKey;
});

/** The error the SDK throws for `promise`, for assertions on its name and status. */
const sdkError = (promise: Promise<unknown>) => rejectionOf(promise, SESv2ServiceException);

function sesString(key: DkimKeyPair): string {
  return toSesSigningPrivateKey(key.privateKey).reveal();
}

function applyExternal(selector: string, key: DkimKeyPair): PutEmailIdentityDkimSigningAttributesCommand {
  return new PutEmailIdentityDkimSigningAttributesCommand({
    EmailIdentity: DOMAIN,
    SigningAttributesOrigin: 'EXTERNAL',
    SigningAttributes: { DomainSigningSelector: selector, DomainSigningPrivateKey: sesString(key) },
  });
}

function sendProbeLike(from = `ops@${DOMAIN}`): SendEmailCommand {
  return new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: ['someone@example.net'] },
    Content: { Simple: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'hello\r\n' } } } },
  });
}

describe('SES v2 stand-in, through an unmodified SESv2Client', () => {
  let zone: FakeZone;
  let ses: SesStandIn;
  const clients: SESv2Client[] = [];
  let now: number;

  /** Starts the stand-in with a manual clock; throttling relaxed unless a test sets it. */
  async function start(options: Partial<SesStandInOptions> = {}): Promise<void> {
    ses = await startSesStandIn({
      isKeyPublished: zone.isKeyPublished,
      isCnamePublished: zone.isCnamePublished,
      hostEasyDkimKeys: zone.hostKeys,
      throttle: false,
      easyDkim: { privateKey: easyKey },
      clock: () => now,
      pollIntervalMs: 20,
      ...options,
    });
  }

  function client(region = TOKYO, maxAttempts = 1): SESv2Client {
    const created = new SESv2Client({
      endpoint: ses.endpoint,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
    });
    clients.push(created);
    return created;
  }

  beforeEach(() => {
    zone = new FakeZone();
    now = Date.parse('2026-04-01T00:00:00Z');
  });

  afterEach(async () => {
    for (const created of clients.splice(0)) created.destroy();
    await ses.stop();
  });

  it('rejects a PEM-armoured key, a 512-bit key and a dotted selector like SES, without quoting the key', async () => {
    // GIVEN an identity signing with the old key
    await start();
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const sesClient = client();
    const pem = newKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const weak = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey;

    // WHEN applying invalid attributes
    const armoured = await sdkError(
      sesClient.send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: DOMAIN,
          SigningAttributesOrigin: 'EXTERNAL',
          SigningAttributes: { DomainSigningSelector: 'new', DomainSigningPrivateKey: pem },
        }),
      ),
    );
    const short = await sdkError(
      sesClient.send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: DOMAIN,
          SigningAttributesOrigin: 'EXTERNAL',
          SigningAttributes: {
            DomainSigningSelector: 'new',
            DomainSigningPrivateKey: weak.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
          },
        }),
      ),
    );
    const dotted = await sdkError(sesClient.send(applyExternal('new.sel', newKey)));

    // THEN each is a 400 BadRequestException, the key never echoed, and signing is unchanged
    for (const error of [armoured, short, dotted]) {
      expect(error.name).toBe('BadRequestException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).not.toContain(sesString(newKey).slice(0, 40));
    }
    expect(armoured.message).toMatch(/base64/);
    expect(short.message).toMatch(/1024 or 2048/);
    expect(dotted.message).toMatch(/no dots/);
    expect(ses.switches()).toEqual([]);
    expect(await ses.describe(TOKYO, DOMAIN)).toMatchObject({ selector: 'old', status: 'SUCCESS' });
  });

  it('reports PENDING after a switch to an external key and SUCCESS once its record is served', async () => {
    // GIVEN an identity created with the old key, whose record is served
    await start();
    zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
    const sesClient = client();
    const created = await sesClient.send(
      new CreateEmailIdentityCommand({
        EmailIdentity: DOMAIN,
        DkimSigningAttributes: { DomainSigningSelector: 'old', DomainSigningPrivateKey: sesString(oldKey) },
      }),
    );
    const verified = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // WHEN switching to the new key before and after its record is published
    const applied = await sesClient.send(applyExternal('new', newKey));
    const before = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const after = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // THEN the statuses follow DNS, with the fields SES returns for BYODKIM
    expect(created.DkimAttributes?.Status).toBe('PENDING');
    expect(verified.DkimAttributes?.Status).toBe('SUCCESS');
    expect(applied).toMatchObject({ DkimStatus: 'PENDING', DkimTokens: ['new'] });
    expect(before.DkimAttributes).toEqual({
      SigningEnabled: true,
      Status: 'PENDING',
      Tokens: ['new'],
      SigningAttributesOrigin: 'EXTERNAL',
    });
    expect(before.VerifiedForSendingStatus).toBe(true);
    expect(after.DkimAttributes?.Status).toBe('SUCCESS');
  });

  it('keeps looking in the background and turns SUCCESS without being asked', async () => {
    // GIVEN a pending switch
    await start();
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    await client().send(applyExternal('new', newKey));

    // WHEN the record appears and nobody calls GetEmailIdentity for a while
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const lookupsBefore = zone.lookups;
    await new Promise((resolve) => setTimeout(resolve, 100));

    // THEN the stand-in found it on its own
    expect(zone.lookups).toBeGreaterThan(lookupsBefore);
    expect(ses.identities.snapshot(ses.identities.get(TOKYO, DOMAIN)).status).toBe('SUCCESS');
  });

  it('reports FAILED once the verification window passes, even if the record appears afterwards', async () => {
    // GIVEN a 60-second window and a switch to a key whose record is not served
    await start({ verificationWindowMs: 60_000 });
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const sesClient = client();
    await sesClient.send(applyExternal('new', newKey));

    // WHEN 59 s pass, then 61 s, then the record is published
    now += 59_000;
    const early = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    now += 2_000;
    const late = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const afterPublish = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // THEN PENDING, then FAILED for good
    expect(early.DkimAttributes?.Status).toBe('PENDING');
    expect(late.DkimAttributes?.Status).toBe('FAILED');
    expect(afterPublish.DkimAttributes?.Status).toBe('FAILED');
  });

  it('forces FAILED for a new key after the configured delay but verifies a rollback to the previous key normally', async () => {
    // GIVEN a forced FAILED after 5 s for new keys, and both records served
    await start({ forcedOutcomes: [{ status: 'FAILED', afterMs: 5_000 }] });
    zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const sesClient = client();

    // WHEN the new key is applied, time passes, and the previous key is restored
    await sesClient.send(applyExternal('new', newKey));
    const pending = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    now += 5_000;
    const failed = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    await sesClient.send(applyExternal('old', oldKey));
    const restored = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // THEN the published new key still fails (forced), and the rollback verifies against DNS
    expect(pending.DkimAttributes?.Status).toBe('PENDING');
    expect(failed.DkimAttributes?.Status).toBe('FAILED');
    expect(restored.DkimAttributes).toMatchObject({ Status: 'SUCCESS', Tokens: ['old'] });
    expect(ses.switches().map((change) => [change.selector, change.forced ?? 'dns'])).toEqual([
      ['new', 'FAILED'],
      ['old', 'dns'],
    ]);
  });

  it('throttles above 1 request/s per region with TooManyRequestsException and HTTP 429 by default', async () => {
    // GIVEN the default throttle and a frozen clock
    await start({ throttle: undefined });
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'AWS_SES' });
    ses.seedIdentity(OSAKA, DOMAIN, { origin: 'AWS_SES' });
    const tokyo = client(TOKYO);
    const osaka = client(OSAKA);

    // WHEN two calls arrive in Tokyo within the same second, one in Osaka, then one a second later
    await tokyo.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    const throttled = await sdkError(tokyo.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN })));
    const otherRegion = await osaka.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    now += 1_000;
    const later = await tokyo.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // THEN only the second Tokyo call is throttled, with the exception the SDK models
    expect(throttled.name).toBe('TooManyRequestsException');
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(otherRegion.DkimAttributes?.Status).toBe('SUCCESS');
    expect(later.DkimAttributes?.Status).toBe('SUCCESS');
  });

  it('fails an operation exactly `times` times with the injected error, then works', async () => {
    // GIVEN two injected throttles then one internal failure on PutEmailIdentityDkimSigningAttributes
    await start({
      faults: [
        { operation: 'PutEmailIdentityDkimSigningAttributes', error: 'TooManyRequestsException', times: 2 },
        { operation: 'PutEmailIdentityDkimSigningAttributes', error: 'InternalFailure', times: 1 },
      ],
    });
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const sesClient = client();

    // WHEN calling four times without SDK retries
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      try {
        await sesClient.send(applyExternal('new', newKey));
        outcomes.push('ok');
      } catch (error) {
        const sdk = error as SESv2ServiceException;
        outcomes.push(`${sdk.name}/${sdk.$metadata.httpStatusCode}/${sdk.$fault}`);
      }
    }

    // THEN the faults fire in order, each the number of times asked, with SES's statuses
    expect(outcomes).toEqual([
      'TooManyRequestsException/429/client',
      'TooManyRequestsException/429/client',
      'InternalFailure/500/server',
      'ok',
    ]);
    expect(ses.faults.fired).toBe(3);
  });

  it('lets the SDK retry an injected 5xx transparently, each attempt consuming the fault', async () => {
    // GIVEN one injected InternalFailure on GetEmailIdentity
    await start({ faults: [{ operation: 'GetEmailIdentity', error: 'InternalFailure', times: 1 }] });
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'AWS_SES' });

    // WHEN a client with the default retry policy (3 attempts) calls once
    const output = await client(TOKYO, 3).send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // THEN the call succeeds after one retry
    expect(output.$metadata.attempts).toBe(2);
    expect(ses.requests().map((request) => request.status)).toEqual([500, 200]);
  });

  it('keeps identities of each region apart', async () => {
    // GIVEN an identity created in Tokyo only
    await start();
    await client(TOKYO).send(new CreateEmailIdentityCommand({ EmailIdentity: DOMAIN }));

    // WHEN Osaka is asked for it
    const missing = await sdkError(
      client(OSAKA).send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN })),
    );

    // THEN it does not exist there
    expect(missing.name).toBe('NotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(ses.requests().map((request) => request.region)).toEqual([TOKYO, OSAKA]);
  });

  it('signs with the verified key, sends unsigned while a new key is PENDING, then signs with the new key', async () => {
    // GIVEN an identity signing with the old key
    const mailbox = new Mailbox();
    await start({ mailbox });
    zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const sesClient = client();

    // WHEN sending before the switch, during PENDING, and after the new record is served
    const first = await sesClient.send(sendProbeLike());
    await sesClient.send(applyExternal('new', newKey));
    const second = await sesClient.send(sendProbeLike());
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const third = await sesClient.send(sendProbeLike());

    // THEN the mailbox shows old-signed, unsigned, new-signed, with a DKIM-Signature only when signed
    const messages = [first, second, third].map((output) => mailbox.find(output.MessageId ?? ''));
    expect(messages.map((message) => message?.dkim?.selector ?? message?.unsignedReason)).toEqual([
      'old',
      'dkim-PENDING',
      'new',
    ]);
    expect(messages.map((message) => message?.raw.toString().includes('DKIM-Signature:'))).toEqual([
      true,
      false,
      true,
    ]);
    expect(messages[0]?.region).toBe(TOKYO);
  });

  it('refuses to send from a domain that is not verified and sends unsigned when signing is disabled', async () => {
    // GIVEN an unverified identity and a verified one with signing turned off
    await start();
    const sesClient = client();
    await sesClient.send(new CreateEmailIdentityCommand({ EmailIdentity: 'unverified.jp' }));
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    await sesClient.send(
      new PutEmailIdentityDkimAttributesCommand({ EmailIdentity: DOMAIN, SigningEnabled: false }),
    );

    // WHEN sending from both
    const rejected = await sdkError(sesClient.send(sendProbeLike('ops@unverified.jp')));
    const sent = await sesClient.send(sendProbeLike());

    // THEN SES rejects the first and sends the second without a signature
    expect(rejected.name).toBe('MessageRejected');
    expect(ses.mailbox.find(sent.MessageId ?? '')?.unsignedReason).toBe('signing-disabled');
    expect((await ses.describe(TOKYO, DOMAIN))?.signingEnabled).toBe(false);
  });

  it('signs raw messages too, keeping their headers', async () => {
    // GIVEN a verified identity
    await start();
    zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const raw = `From: ops@${DOMAIN}\nTo: someone@example.net\nSubject: raw\n\nraw body\n`;

    // WHEN sending raw content
    const sent = await client().send(new SendEmailCommand({ Content: { Raw: { Data: Buffer.from(raw) } } }));

    // THEN it is delivered signed, to the address in its To header
    const message = ses.mailbox.find(sent.MessageId ?? '');
    expect(message?.dkim).toEqual({ domain: DOMAIN, selector: 'old', origin: 'EXTERNAL' });
    expect(message?.to).toEqual(['someone@example.net']);
    expect(message?.raw.toString()).toContain('Subject: raw');
  });

  it('models Easy DKIM with three tokens whose CNAME records lead to keys SES hosts, verified only when all three are served', async () => {
    // GIVEN an identity created without signing attributes (Easy DKIM)
    await start();
    const sesClient = client();
    await sesClient.send(new CreateEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    const records = ses.easyDkimRecords(DOMAIN);

    // WHEN the domain publishes two of the three CNAME records, then the third
    for (const record of records.slice(0, 2)) zone.publishCname(record.name, record.target);
    const partly = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    for (const record of records.slice(2)) zone.publishCname(record.name, record.target);
    const verified = await sesClient.send(new GetEmailIdentityCommand({ EmailIdentity: DOMAIN }));
    const probe = new DkimProbe({
      sesClient: () => sesClient,
      mailbox: ses.mailbox,
      resolver: zone.resolver,
    });
    const result = await probe.send({ region: TOKYO, domain: DOMAIN });

    // THEN SES names three tokens and their CNAMEs, verifies only with all three, and mail signed
    // s=<token> passes DKIM through the CNAME
    const tokens = verified.DkimAttributes?.Tokens ?? [];
    expect(tokens).toHaveLength(3);
    for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(records).toEqual(
      tokens.map((token) => ({
        region: TOKYO,
        name: `${token}._domainkey.${DOMAIN}`,
        target: `${token}.dkim.amazonses.com`,
      })),
    );
    expect(partly.DkimAttributes?.Status).toBe('PENDING');
    expect(verified.DkimAttributes).toMatchObject({
      Status: 'SUCCESS',
      SigningAttributesOrigin: 'AWS_SES',
      CurrentSigningKeyLength: 'RSA_1024_BIT',
      NextSigningKeyLength: 'RSA_2048_BIT',
    });
    expect(verified.DkimAttributes?.LastKeyGenerationTimestamp).toEqual(new Date(now));
    expect(result).toMatchObject({ outcome: 'passed', selector: tokens[0] });
  });
});

describe('DKIM probe with mailauth against the fake zone', () => {
  it('counts passed, unsigned and failed messages from the bytes and DNS alone', async () => {
    // GIVEN an identity signing with the old key, its record served
    const zone = new FakeZone();
    const ses = await startSesStandIn({
      isKeyPublished: zone.isKeyPublished,
      throttle: false,
      easyDkim: { privateKey: easyKey },
    });
    const sesClient = new SESv2Client({
      endpoint: ses.endpoint,
      region: TOKYO,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
      ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
      const probe = new DkimProbe({
        sesClient: () => sesClient,
        mailbox: ses.mailbox,
        resolver: zone.resolver,
      });

      // WHEN probing: while verified; right after a switch (PENDING); and after the old
      // selector's record is overwritten with another key while SES still signs with the old one
      const passed = await probe.send({ region: TOKYO, domain: DOMAIN, label: 'PrepareRotation' });
      await sesClient.send(applyExternal('new', newKey));
      const unsigned = await probe.send({ region: TOKYO, domain: DOMAIN, label: 'ApplyToSes' });
      await sesClient.send(applyExternal('old', oldKey));
      expect((await ses.describe(TOKYO, DOMAIN))?.status).toBe('SUCCESS');
      zone.publishKey(DOMAIN, 'old', newKey.publicKey);
      const failed = await probe.send({ region: TOKYO, domain: DOMAIN, label: 'RetireOldKey' });

      // THEN the verdicts and the tally match what happened
      expect([passed.outcome, unsigned.outcome, failed.outcome]).toEqual(['passed', 'unsigned', 'failed']);
      expect(failed.selector).toBe('old');
      expect(probe.counts()).toEqual({ sent: 3, passed: 1, failed: 1, unsigned: 1 });
    } finally {
      sesClient.destroy();
      await ses.stop();
    }
  });
});

describe('SES stand-in: PENDING for the discovery delay after every signing change', () => {
  const DELAY_MS = 1_500;
  let zone: FakeZone;
  let ses: SesStandIn;
  let sesClient: SESv2Client;
  let now: number;

  beforeEach(async () => {
    zone = new FakeZone();
    now = Date.parse('2026-04-01T00:00:00Z');
    ses = await startSesStandIn({
      isKeyPublished: zone.isKeyPublished,
      isCnamePublished: zone.isCnamePublished,
      hostEasyDkimKeys: zone.hostKeys,
      throttle: false,
      easyDkim: { privateKey: easyKey },
      clock: () => now,
      discoveryDelayMs: DELAY_MS,
      verificationWindowMs: 60_000,
    });
    sesClient = new SESv2Client({
      endpoint: ses.endpoint,
      region: TOKYO,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    sesClient.destroy();
    await ses.stop();
  });

  const status = async (region = TOKYO) => (await ses.describe(region, DOMAIN))?.status;
  const sendUnsignedReason = async () =>
    ses.mailbox.find((await sesClient.send(sendProbeLike())).MessageId ?? '')?.unsignedReason ?? 'signed';

  it('holds a BYODKIM → BYODKIM switch PENDING for the delay when the record was served before it, sending unsigned, and logs when it settled', async () => {
    // GIVEN the old key in use and the new key's record already served
    zone.publishKey(DOMAIN, 'old', oldKey.publicKey);
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    const switchedAt = now;

    // WHEN the new key is applied, and mail is sent just before and at the end of the delay
    await sesClient.send(applyExternal('new', newKey));
    now += DELAY_MS - 1;
    const during = [await status(), await sendUnsignedReason()];
    now += 1;
    const after = [await status(), await sendUnsignedReason()];

    // THEN PENDING and unsigned for exactly the delay after the switch, then SUCCESS and signed
    expect(during).toEqual(['PENDING', 'dkim-PENDING']);
    expect(after).toEqual(['SUCCESS', 'signed']);
    expect(ses.switches()).toEqual([
      expect.objectContaining({
        selector: 'new',
        at: switchedAt,
        settled: { status: 'SUCCESS', at: switchedAt + DELAY_MS },
      }),
    ]);
    expect(unsignedWindowMs(ses.switches(), DOMAIN, now + 60_000)).toBe(DELAY_MS);
  });

  it('counts the delay from when SES first finds the record served, not from the switch', async () => {
    // GIVEN a switch to a key whose record is not served yet
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'EXTERNAL', selector: 'old', privateKey: oldKey.privateKey });
    await sesClient.send(applyExternal('new', newKey));

    // WHEN the record appears 10 s later and SES looks then, and again once the delay passed
    now += 10_000;
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const seen = await status();
    now += DELAY_MS;
    const settled = await status();

    // THEN PENDING when first seen, SUCCESS the delay later: 11.5 s unsigned in all
    expect([seen, settled]).toEqual(['PENDING', 'SUCCESS']);
    expect(unsignedWindowMs(ses.switches(), DOMAIN, now)).toBe(10_000 + DELAY_MS);
  });

  it('restores Easy DKIM only where its CNAME records are served: elsewhere it stays PENDING, unsigned, then FAILED', async () => {
    // GIVEN an identity signing with Easy DKIM in Tokyo and Osaka, whose CNAMEs only Tokyo's zone
    // records still serve, moved to an external key that SES verified
    ses.seedIdentity(TOKYO, DOMAIN, { origin: 'AWS_SES' });
    ses.seedIdentity(OSAKA, DOMAIN, { origin: 'AWS_SES' });
    for (const record of ses.easyDkimRecords(DOMAIN, TOKYO)) zone.publishCname(record.name, record.target);
    const osakaTokens = ses.easyDkimRecords(DOMAIN, OSAKA);
    zone.publishKey(DOMAIN, 'new', newKey.publicKey);
    const osaka = new SESv2Client({
      endpoint: ses.endpoint,
      region: OSAKA,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      for (const regional of [sesClient, osaka]) await regional.send(applyExternal('new', newKey));
      now += DELAY_MS;
      expect([await status(TOKYO), await status(OSAKA)]).toEqual(['SUCCESS', 'SUCCESS']);

      // WHEN Easy DKIM is restored in both regions, and time passes beyond the delay, then the window
      const restore = new PutEmailIdentityDkimSigningAttributesCommand({
        EmailIdentity: DOMAIN,
        SigningAttributesOrigin: 'AWS_SES',
      });
      const answers = [await sesClient.send(restore), await osaka.send(restore)];
      now += DELAY_MS;
      const afterDelay = [await status(TOKYO), await status(OSAKA)];
      const osakaMail = ses.mailbox.find((await osaka.send(sendProbeLike())).MessageId ?? '');
      now += 60_000;
      const afterWindow = await status(OSAKA);

      // THEN both kept their own tokens, Tokyo verifies and Osaka never does
      expect(answers.map((answer) => answer.DkimTokens)).toEqual([
        ses.easyDkimRecords(DOMAIN, TOKYO).map((record) => record.name.split('.')[0]),
        osakaTokens.map((record) => record.name.split('.')[0]),
      ]);
      expect(afterDelay).toEqual(['SUCCESS', 'PENDING']);
      expect(osakaMail?.unsignedReason).toBe('dkim-PENDING');
      expect(afterWindow).toBe('FAILED');
      const lastOsaka = ses
        .switches()
        .filter((change) => change.region === OSAKA)
        .at(-1);
      expect(lastOsaka).toMatchObject({ origin: 'AWS_SES', settled: { status: 'FAILED' } });
    } finally {
      osaka.destroy();
    }
  });
});
