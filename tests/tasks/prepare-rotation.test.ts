import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { parseConfig } from '../../shared/config';
import { keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { prepareRotation } from '../../tasks/prepare-rotation/logic';
import { FakeS3, FakeSes, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, NEW_SELECTOR, OLD_SELECTOR, seedCertificate, seedKey } from './support/rotation';

const config = parseConfig({
  domains: [
    {
      domain: DOMAIN,
      regions: ['ap-northeast-1', 'ap-northeast-3'],
      selectorPrefix: 'gooid-21-pro',
      dnsTeamEmails: ['dns@example.jp'],
      opsEmails: ['ops@example.jp'],
      reminderAfterHours: 72,
      retentionDays: 7,
    },
  ],
});

describe('PrepareRotation', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  const input = {
    request: { domain: DOMAIN, selector: NEW_SELECTOR, requestedBy: 'monitor' },
    executionName: 'x',
  };
  const deps = () => ({
    ...s3.deps(),
    ses: ses.clientFor,
    config,
    clock: fixedClock(),
    logger: silentLogger,
  });

  beforeEach(async () => {
    s3 = new FakeS3();
    const [old] = await keyPairs();
    if (old === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, old, 'ACTIVE');
    await seedCertificate(s3, OLD_SELECTOR, old);
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': {
        origin: 'EXTERNAL',
        selector: OLD_SELECTOR,
        status: 'SUCCESS',
        signingEnabled: true,
      },
      'ap-northeast-3': { origin: 'AWS_SES', status: 'SUCCESS', signingEnabled: true },
    });
  });
  afterEach(() => {
    s3.restore();
    ses.restore();
  });

  it('records per region what rollback restores and the timings from the config', async () => {
    // WHEN PrepareRotation runs for a configured domain
    const prepared = await prepareRotation(input, deps());
    // THEN the previous signing of each region is recorded
    expect(prepared.previous).toEqual([
      { region: 'ap-northeast-1', origin: 'EXTERNAL', selector: OLD_SELECTOR },
      { region: 'ap-northeast-3', origin: 'AWS_SES', originValue: 'AWS_SES' },
    ]);
    // AND the plan carries the domain's timings in seconds
    expect(prepared.plan).toEqual(
      expect.objectContaining({
        reminderAfterSeconds: 72 * 3600,
        retentionSeconds: 7 * 86_400,
        maxReminders: 3,
      }),
    );
    // AND the operators' addresses, the "who to call" of every notification (contacts, no secret)
    expect(prepared.plan.opsContacts).toEqual(['ops@example.jp']);
    expect(prepared.reminders).toEqual({ count: 0 });
  });

  it('refuses a rotation it could not roll back because the key SES uses is not in S3', async () => {
    // GIVEN SES signs with a selector whose key is not stored
    ses.identity('ap-northeast-1').selector = 'gooid-21-pro-20240101-1';
    // WHEN / THEN PrepareRotation fails with KeyNotFound before anything changes
    await expect(prepareRotation(input, deps())).rejects.toMatchObject({ name: 'KeyNotFound' });
  });

  it('learns that the previous key is stored by listing its folder, without reading any object', async () => {
    // WHEN PrepareRotation checks the key SES uses today
    await prepareRotation(input, deps());
    // THEN it neither downloads nor HEADs a private key (its role may not read one)
    expect(s3.mock.commandCalls(GetObjectCommand)).toEqual([]);
    expect(s3.mock.commandCalls(HeadObjectCommand)).toEqual([]);
  });

  it('refuses a rotation whose previous key has no certificate: ConfirmRollback and RetireOldKey need it', async () => {
    // GIVEN the private key is stored but its certificate is not
    s3.objects.delete(keyPaths(DOMAIN, OLD_SELECTOR).certificate);
    // WHEN / THEN PrepareRotation fails with KeyNotFound naming the missing object
    await expect(prepareRotation(input, deps())).rejects.toMatchObject({
      name: 'KeyNotFound',
      message: expect.stringContaining('lacks certificate.pem'),
    });
  });

  it('refuses a domain missing from the configuration', async () => {
    await expect(
      prepareRotation({ ...input, request: { domain: 'other.example.jp', selector: NEW_SELECTOR } }, deps()),
    ).rejects.toMatchObject({ name: 'DomainNotConfigured' });
  });

  it('refuses a selector without the configured prefix', async () => {
    await expect(
      prepareRotation({ ...input, request: { domain: DOMAIN, selector: 'other-20261120-1' } }, deps()),
    ).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('refuses when SES already signs with the requested selector (nothing to rotate)', async () => {
    ses.identity('ap-northeast-1').selector = NEW_SELECTOR;
    await expect(prepareRotation(input, deps())).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('reports SES throttling as transient', async () => {
    ses.fault('ap-northeast-1', 'GetEmailIdentity', throttling());
    await expect(prepareRotation(input, deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });
});
