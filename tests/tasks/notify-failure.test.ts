import { silentLogger } from '../../shared/rotation/runtime';
import { notifyFailure } from '../../tasks/notify-failure/logic';
import { notifySuccess } from '../../tasks/notify-success/logic';
import { DNS_TOPIC, FakeSns, fixedClock, OPS_TOPIC, throttling } from './support/fakes';
import { OLD_SELECTOR, state } from './support/rotation';

describe('NotifyFailure / NotifySuccess', () => {
  let sns: FakeSns;
  const deps = () => ({
    operators: sns.topic(OPS_TOPIC),
    dnsTeam: sns.topic(DNS_TOPIC),
    clock: fixedClock(),
    logger: silentLogger,
  });
  beforeEach(() => {
    sns = new FakeSns();
  });
  afterEach(() => sns.restore());

  it('pages operators (CRITICAL) when the rollback failed', async () => {
    await notifyFailure(
      state({
        rollbackFailure: {
          Error: 'RollbackFailed',
          Cause: '{"errorMessage":"Could not restore ap-northeast-1"}',
        },
      }),
      deps(),
    );
    expect(sns.to(OPS_TOPIC)).toHaveLength(1);
    expect(sns.to(OPS_TOPIC)[0]?.Subject).toMatch(/^\[CRITICAL\]/);
    expect(sns.to(OPS_TOPIC)[0]?.Message).toContain('Could not restore ap-northeast-1');
    expect(sns.to(DNS_TOPIC)).toHaveLength(0);
  });

  it('pages operators (CRITICAL) with the records to publish when SES cannot verify the restored configuration', async () => {
    // GIVEN ConfirmRollback found Easy DKIM's CNAMEs gone; one token came back from SES with a line break
    await notifyFailure(
      state({
        failure: { Error: 'SesDkimFailed', Cause: 'FAILED' },
        rollback: { rolledBackAt: 'now', regions: [] },
        rollbackConfirmation: {
          pending: false,
          confirmed: false,
          polls: 1,
          firstPollAt: 'now',
          reason: 'CNAME t1._domainkey.mail.example.jp is not served as SES needs it: ns2 missing',
          records: [
            {
              type: 'CNAME',
              name: 't1._domainkey.mail.example.jp',
              value: 't1.dkim.amazonses.com',
              regions: ['ap-northeast-1'],
            },
            {
              type: 'CNAME',
              name: 't2\n._domainkey.mail.example.jp',
              value: 't2.dkim.amazonses.com',
              regions: ['ap-northeast-1'],
            },
          ],
          regions: [],
        },
      }),
      deps(),
    );

    // THEN only the operators are paged, with zone-file lines to publish and the reason
    expect(sns.to(DNS_TOPIC)).toHaveLength(0);
    const [page] = sns.to(OPS_TOPIC);
    expect(page?.Subject).toMatch(/^\[CRITICAL\] DKIM ロールバック失敗/);
    expect(page?.Message).toContain('t1._domainkey.mail.example.jp. 3600 IN CNAME t1.dkim.amazonses.com.');
    expect(page?.Message).toContain(
      't2\\x0a._domainkey.mail.example.jp. 3600 IN CNAME t2.dkim.amazonses.com.',
    );
    expect(page?.Message).toContain("Easy DKIM's CNAME records");
    expect(page?.Message).toContain('RollbackFailed: CNAME t1._domainkey.mail.example.jp is not served');
  });

  it('tells both teams after a rollback, asking the DNS team to keep the old record', async () => {
    await notifyFailure(
      state({
        failure: { Error: 'SesDkimFailed', Cause: '{"errorMessage":"FAILED in ap-northeast-1"}' },
        rollback: { rolledBackAt: 'now', regions: [] },
      }),
      deps(),
    );
    expect(sns.to(DNS_TOPIC)[0]?.Message).toContain('Do not remove the old record');
    expect(sns.to(OPS_TOPIC)[0]?.Subject).toMatch(/^\[WARNING\]/);
  });

  it('routes by domain with a message attribute the subscription filters use', async () => {
    await notifySuccess(state(), deps());
    for (const message of sns.messages) {
      expect(message.MessageAttributes?.domain?.StringValue).toBe('mail.example.jp');
    }
    expect(sns.to(DNS_TOPIC)[0]?.Message).toContain(OLD_SELECTOR);
    expect(sns.to(DNS_TOPIC)[0]?.Message).toMatch(/日[\s\S]*days?/);
  });

  it('reports SNS throttling as transient', async () => {
    sns.faults.add('Publish', throttling());
    await expect(notifySuccess(state(), deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });

  it('tells operators of a failed retirement what DNS said on one sanitised line, never the record text', async () => {
    // GIVEN RetireOldKey failed with a message carrying a TXT record's text (as verdicts did):
    // forged header lines, a bidi override and 32 KB of it
    const record = `v=DKIM1;\r\nSubject: approve now\u202e${'x'.repeat(32_000)}`;
    const cause = JSON.stringify({
      errorType: 'DnsRecordMismatch',
      errorMessage: `1 of 2 name server address(es) are behind: ns1 mismatch: ${record}`,
      trace: [],
    });

    // WHEN NotifyFailure tells the operators
    await notifyFailure(state({ retirementFailure: { Error: 'DnsRecordMismatch', Cause: cause } }), deps());

    // THEN the cause is one line of at most 300 characters, with no control character
    const message = sns.to(OPS_TOPIC)[0]?.Message ?? '';
    const line = message.split('\n').find((text) => text.startsWith('DnsRecordMismatch: '));
    expect(line).toBeDefined();
    expect(line?.length).toBeLessThanOrEqual('DnsRecordMismatch: '.length + 300);
    expect(message).not.toMatch(/\r|\u202e|^Subject: approve now/m);
  });

  it("tells the DNS team the error's name after a rollback, and the operators AWS's text without role ARNs or the account", async () => {
    // GIVEN a rollback caused by an AWS denial whose text names a role and the account
    const cause = JSON.stringify({
      errorType: 'AccessDeniedException',
      errorMessage:
        'User: arn:aws:sts::123456789012:assumed-role/Rotation-ApplyToSesRole/fn is not authorized to perform: ses:PutEmailIdentityDkimSigningAttributes on resource: arn:aws:ses:ap-northeast-1:123456789012:identity/mail.example.jp',
      trace: [
        'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/Rotation-ApplyToSesRole/fn',
      ],
    });

    // WHEN NotifyFailure tells both teams
    await notifyFailure(
      state({
        failure: { Error: 'AccessDeniedException', Cause: cause },
        rollback: { rolledBackAt: 'now', regions: [] },
      }),
      deps(),
    );

    // THEN the DNS team gets the error's name only, and the operators what was denied, on what
    // kind of resource, with the ARNs and the account replaced
    expect(sns.to(DNS_TOPIC)[0]?.Message).toContain('AccessDeniedException');
    expect(sns.to(DNS_TOPIC)[0]?.Message).not.toMatch(/123456789012|assumed-role|not authorized/);
    const operators = sns.to(OPS_TOPIC)[0]?.Message ?? '';
    expect(operators).toContain(
      'AccessDeniedException: User: <arn> is not authorized to perform: ses:PutEmailIdentityDkimSigningAttributes on resource: <arn>',
    );
    expect(operators).not.toMatch(/123456789012|assumed-role|arn:aws/);
  });
});
