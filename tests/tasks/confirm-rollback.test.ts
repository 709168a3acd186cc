import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createDkimCertificate } from '../../shared/dkim/certificate';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import type { DnsVerification } from '../../shared/dns/types';
import { keyPaths } from '../../shared/rotation/key-store';
import { DEFAULT_SES_CONFIRMATION } from '../../shared/rotation/poll-schedule';
import { silentLogger } from '../../shared/rotation/runtime';
import type { PreviousSigning, RollbackConfirmation, RotationState } from '../../shared/rotation/state';
import { confirmRollback, type RollbackDnsChecker } from '../../tasks/confirm-rollback/logic';
import { type Verdict, verification } from './support/dns';
import { FakeS3, FakeSes, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, NEW_SELECTOR, OLD_SELECTOR, seedKey, state } from './support/rotation';

const ROLLED_BACK_AT = '2026-11-20T01:00:00.000Z';
const TOKENS = ['t1abc', 't2def', 't3ghi'];

/** A DNS checker answering every record with `verdict`, recording what it was asked. */
function scriptedDns(verdict: Verdict) {
  const asked: string[] = [];
  const answer = async (name: string): Promise<DnsVerification> => {
    asked.push(name);
    return verification(verdict, name);
  };
  const dns: RollbackDnsChecker = {
    verifyDkimRecord: async (input) => answer(`TXT ${input.selector}._domainkey.${input.domain}`),
    verifyCnameRecord: async (input) => answer(`CNAME ${input.name} ${input.target}`),
  };
  return { dns, asked };
}

describe('ConfirmRollback', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  let clock: ReturnType<typeof fixedClock>;
  let oldTxt: string;
  const deps = (dns: RollbackDnsChecker) => ({
    ...s3.deps(),
    ses: ses.clientFor,
    dns,
    clock,
    random: () => 0,
    logger: silentLogger,
  });
  const rolledBack = (
    previous: readonly PreviousSigning[] = [
      { region: 'ap-northeast-1', origin: 'EXTERNAL', selector: OLD_SELECTOR },
    ],
    rollbackConfirmation?: RollbackConfirmation,
  ): RotationState =>
    state(
      {
        previous,
        rollback: { rolledBackAt: ROLLED_BACK_AT, regions: [] },
        failure: { Error: 'SesDkimFailed' },
        ...(rollbackConfirmation ? { rollbackConfirmation } : {}),
      },
      { regions: previous.map((p) => p.region), sesConfirmation: DEFAULT_SES_CONFIRMATION },
    );
  const easyDkim: PreviousSigning[] = [
    { region: 'ap-northeast-3', origin: 'AWS_SES', originValue: 'AWS_SES' },
  ];

  beforeEach(async () => {
    s3 = new FakeS3();
    clock = fixedClock(ROLLED_BACK_AT);
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'ACTIVE');
    seedKey(s3, NEW_SELECTOR, newKey, 'ABANDONED');
    const certificate = await createDkimCertificate({
      keyPair: oldKey,
      domain: DOMAIN,
      selector: OLD_SELECTOR,
      now: new Date('2025-08-01T00:00:00Z'),
    });
    s3.seed(keyPaths(DOMAIN, OLD_SELECTOR).certificate, certificate.pem);
    oldTxt = dkimTxtValue(oldKey.publicKey);
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': {
        origin: 'EXTERNAL',
        selector: OLD_SELECTOR,
        status: 'PENDING',
        signingEnabled: true,
      },
      'ap-northeast-3': { origin: 'AWS_SES', tokens: TOKENS, status: 'PENDING', signingEnabled: true },
    });
  });
  afterEach(() => {
    s3.restore();
    ses.restore();
  });

  it('confirms when SES reports SUCCESS for the restored key, timing it from the rollback and asking no name server', async () => {
    ses.identity('ap-northeast-1').status = 'SUCCESS';
    clock.advance(7000);
    const { dns, asked } = scriptedDns('missing');

    const result = await confirmRollback(rolledBack(), deps(dns));

    expect(result).toMatchObject({ pending: false, confirmed: true, polls: 1 });
    expect(result.regions).toEqual([
      {
        region: 'ap-northeast-1',
        restored: 'EXTERNAL',
        status: 'SUCCESS',
        confirmedAt: clock().toISOString(),
        secondsAfterRollback: 7,
      },
    ]);
    expect(result.records).toEqual([
      {
        type: 'TXT',
        name: `${OLD_SELECTOR}._domainkey.${DOMAIN}`,
        value: oldTxt,
        regions: ['ap-northeast-1'],
      },
    ]);
    expect(asked).toEqual([]);
  });

  it("keeps polling while SES is PENDING and the previous key's TXT record is served by every name server", async () => {
    const { dns, asked } = scriptedDns('match');

    const result = await confirmRollback(rolledBack(), deps(dns));

    expect(result).toMatchObject({ pending: true, nextPollSeconds: 3, polls: 1 });
    expect(result.confirmed).toBeUndefined();
    expect(asked).toEqual([`TXT ${OLD_SELECTOR}._domainkey.${DOMAIN}`]);
  });

  it("ends at once, unconfirmed, naming Easy DKIM's three CNAME records when they are not served", async () => {
    const { dns, asked } = scriptedDns('missing');

    const result = await confirmRollback(rolledBack(easyDkim), deps(dns));

    const records = TOKENS.map((token) => ({
      type: 'CNAME',
      name: `${token}._domainkey.${DOMAIN}`,
      value: `${token}.dkim.amazonses.com`,
      regions: ['ap-northeast-3'],
    }));
    expect(result).toMatchObject({ pending: false, confirmed: false, records });
    expect(asked).toEqual(records.map((record) => `CNAME ${record.name} ${record.value}`));
    expect(result.reason).toContain(`CNAME t1abc._domainkey.${DOMAIN} is not served as SES needs it`);
  });

  it('ends unconfirmed when SES reports FAILED for the restored key, even though its record is served', async () => {
    ses.identity('ap-northeast-1').status = 'FAILED';
    const result = await confirmRollback(rolledBack(), deps(scriptedDns('match').dns));
    expect(result).toMatchObject({ pending: false, confirmed: false });
    expect(result.reason).toContain('SES reports FAILED for the restored configuration in ap-northeast-1');
  });

  it('ends unconfirmed when a region signs with something else than what was restored', async () => {
    ses.identity('ap-northeast-1').selector = NEW_SELECTOR;
    ses.identity('ap-northeast-1').status = 'SUCCESS';
    const result = await confirmRollback(rolledBack(), deps(scriptedDns('match').dns));
    expect(result).toMatchObject({ pending: false, confirmed: false });
    expect(result.reason).toContain(
      `signs with EXTERNAL ${NEW_SELECTOR}, not the restored key ${OLD_SELECTOR}`,
    );
  });

  it('keeps polling when name servers cannot be asked, then gives up after maxWaitHours since the rollback', async () => {
    const { dns } = scriptedDns('unreachable');
    const first = await confirmRollback(rolledBack(), deps(dns));
    expect(first).toMatchObject({ pending: true });

    clock.advance(72 * 3600_000);
    const last = await confirmRollback(rolledBack(undefined, first), deps(dns));

    expect(last).toMatchObject({ pending: false, confirmed: false, polls: 2 });
    expect(last.reason).toContain('still PENDING after 72 h');
  });

  it('waits for a DEED replica (records of a parent identity it cannot name) and says so, printably', async () => {
    ses.identity('ap-northeast-3').origin = 'AWS_SES_AP_NORTHEAST_1';
    const deed: PreviousSigning[] = [
      { region: 'ap-northeast-3', origin: 'AWS_SES', originValue: 'AWS_SES_AP_NORTHEAST_1\n' },
    ];
    const { dns, asked } = scriptedDns('missing');
    const result = await confirmRollback(rolledBack(deed), deps(dns));
    expect(result).toMatchObject({ pending: true, records: [] });
    expect(result.reason).toContain("uses the parent identity's records");
    expect(result.reason).toContain('AWS_SES_AP_NORTHEAST_1\\x0a');
    expect(asked).toEqual([]);
  });

  it('reads only the previous key certificate from the key store, never a private key', async () => {
    await confirmRollback(rolledBack(), deps(scriptedDns('match').dns));
    const keys = s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([keyPaths(DOMAIN, OLD_SELECTOR).certificate]);
  });

  it('reports SES throttling as transient', async () => {
    ses.fault('ap-northeast-1', 'GetEmailIdentity', throttling());
    await expect(confirmRollback(rolledBack(), deps(scriptedDns('match').dns))).rejects.toMatchObject({
      name: 'TransientAwsError',
    });
  });
});
