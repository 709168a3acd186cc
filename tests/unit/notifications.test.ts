/**
 * The notification templates: pure functions, checked in both languages with a real 2048-bit key,
 * real zone-file parsing (the simulated DNS team's parser) and the Route 53 JSON read back. Long on
 * purpose: one key pair and one set of inputs serve every template, and the family checks (both
 * languages, subject length, no secret) run across all of them at once.
 */

import { buildProgram } from '../../cli/main';
import { scanForLeaks } from '../../local/leak-scan';
import { txtValueFromNotification } from '../../local/runner/dns-team';
import { type DkimKeyPair, generateDkimKeyPair, privateKeyToPem } from '../../shared/dkim/keys';
import { Secret } from '../../shared/dkim/secret';
import { finding } from '../../shared/monitoring/evaluate';
import { monitorNotification } from '../../shared/monitoring/notification';
import {
  abandonedNotification,
  type DnsRequestMessage,
  dnsRequestNotification,
  failureNotification,
  formatInstant,
  type Language,
  type Notification,
  plannedSwitchLine,
  render,
  retirementNotification,
  route53ChangeNotification,
  successNotification,
} from '../../shared/notifications';
import { approvalUrl } from '../../shared/rotation/approval-links';
import { buildDnsRequest, type DnsRequest } from '../../shared/rotation/dns-request';

const DOMAIN = 'mail.example.jp';
const SELECTOR = 'gooid-21-pro-20261120-1';
const OLD_SELECTOR = 'gooid-21-pro-20250801-1';
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSecretTaskToken0123456789';
const SECRET = new Secret('unit-test-hmac-secret-0123456789');
const EXPIRES = new Date('2026-11-23T03:00:00Z');
const CONTACTS = ['mail-ops@example.jp', 'oncall@example.jp'];
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9faf]/;

let keyPair: DkimKeyPair;
let request: DnsRequest;

beforeAll(async () => {
  keyPair = await generateDkimKeyPair(2048);
  request = buildDnsRequest({
    domain: DOMAIN,
    selector: SELECTOR,
    publicKey: keyPair.publicKey,
    requestedAt: new Date('2026-11-20T00:30:00Z'),
  });
});

function requestMessage(changes: Partial<DnsRequestMessage> = {}): DnsRequestMessage {
  return {
    request,
    approvalUrl: approvalUrl(
      'https://approve.example.jp',
      { version: '11111111-2222-4333-8444-555555555555', secret: SECRET },
      'approval-id-0000000001',
      EXPIRES,
    ),
    expiresAt: EXPIRES,
    reminderNumber: 0,
    maxReminders: 3,
    retentionDays: 7,
    files: [`s3://bucket/dns-requests/${DOMAIN}/${SELECTOR}.zone`],
    contacts: CONTACTS,
    ...changes,
  };
}

/** The verbatim block under a `■ <label>` heading of a rendered message. */
function block(message: string, labelPart: string): string {
  const start = message.split('\n').findIndex((line) => line.startsWith('■') && line.includes(labelPart));
  if (start < 0) throw new Error(`no block labelled ${labelPart}`);
  const rest = message.split('\n').slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('■') || line.startsWith('-----'));
  return rest
    .slice(0, end < 0 ? undefined : end)
    .join('\n')
    .trim();
}

/** Unquotes the space-separated quoted strings of a zone file or Route 53 TXT value. */
function unquote(strings: string): string[] {
  return [...strings.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) =>
    (match[1] ?? '').replace(/\\(.)/g, '$1'),
  );
}

describe('formatInstant', () => {
  it('shows an instant in Japan time and UTC, crossing midnight correctly', () => {
    expect(formatInstant(EXPIRES)).toEqual({
      ja: '2026年11月23日(月) 12:00 (日本時間) / 2026-11-23 03:00 UTC',
      en: 'Mon 23 Nov 2026, 12:00 JST (2026-11-23 03:00 UTC)',
    });
    expect(formatInstant(new Date('2026-11-23T20:05:00Z')).ja).toBe(
      '2026年11月24日(火) 05:05 (日本時間) / 2026-11-23 20:05 UTC',
    );
  });
});

describe('DNS request notification', () => {
  it('says everything the DNS team needs, Japanese first, then English', () => {
    // WHEN the request is rendered for a domain configured with both languages
    const { subject, message } = render(dnsRequestNotification(requestMessage()), 'both');
    // THEN the subject carries the severity and both languages
    expect(subject).toBe(
      `[INFO] DKIM TXT レコード登録のお願い ${DOMAIN} / Please publish a DKIM TXT record for ${DOMAIN}`,
    );
    // AND the Japanese text comes before the English one
    expect(message.indexOf('■ 日本語')).toBeGreaterThan(-1);
    expect(message.indexOf('■ 日本語')).toBeLessThan(message.indexOf('■ English'));
    // AND the record, the deadline (JST and UTC), next steps and contacts are there
    for (const text of [
      `ドメイン / Domain: ${DOMAIN}`,
      `レコード名 / Record name: ${request.recordName}`,
      '種類 / Type: TXT',
      `鍵のフィンガープリント / Key fingerprint: ${request.fingerprint}`,
      '期限: 2026年11月23日(月) 12:00 (日本時間) / 2026-11-23 03:00 UTC',
      'Deadline: Mon 23 Nov 2026, 12:00 JST (2026-11-23 03:00 UTC)',
      'レコード公開前に承認しても構いません',
      'You may approve before the record is live',
      'What happens next:',
      '今後の流れ:',
      `Questions: the mail operations team, ${CONTACTS.join(', ')}`,
      `s3://bucket/dns-requests/${DOMAIN}/${SELECTOR}.zone`,
    ]) {
      expect(message).toContain(text);
    }
    // AND the single string for web consoles is the whole value on one line
    expect(block(message, 'Single string for web consoles')).toBe(request.value);
    // AND the approval link appears once
    expect(message.match(/https:\/\/approve\.example\.jp\/approvals\//g)).toHaveLength(1);
  });

  it('promises the DNS team only the checks every deployment makes: IPv4 always, IPv6 where reachable', () => {
    // GIVEN the request sent before any check (a deployment without dnsCheckVpc checks no IPv6)
    // WHEN it is rendered in both languages
    const { message } = render(dnsRequestNotification(requestMessage()), 'both');

    // THEN it never claims every IPv6 address is checked, and says where unchecked ones are named
    expect(message).not.toMatch(/all IPv4 and IPv6 addresses|IPv4\/IPv6 の全アドレス/);
    expect(message).toContain('every IPv4 address of every authoritative name server');
    expect(message).toContain('the completion notice names any it could not');
    expect(message).toContain('確認できなかったアドレスは完了通知に記載します');
  });

  it('gives the value as a zone-file line of strings of at most 255 bytes that joins back to the value', () => {
    const { message } = render(dnsRequestNotification(requestMessage()), 'both');
    const line = block(message, 'Zone-file line');
    expect(line).toMatch(new RegExp(`^${request.recordName.replace(/\./g, '\\.')}\\. 3600 IN TXT "`));
    const strings = unquote(line.slice(line.indexOf(' IN TXT ')));
    // A 2048-bit key needs two strings; each fits a DNS character-string.
    expect(strings.length).toBe(2);
    for (const part of strings) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(255);
    expect(strings.join('')).toBe(request.value);
    expect(message).toContain(`(2 strings: 255 + ${request.value.length - 255} bytes)`);
    // AND a DNS engineer's parser (the simulated DNS team's) reads the same record off the message
    expect(txtValueFromNotification(message, DOMAIN)).toEqual({
      name: request.recordName,
      value: request.value,
    });
  });

  it('gives a Route 53 change batch that parses and round-trips the value', () => {
    const { message } = render(dnsRequestNotification(requestMessage()), 'en');
    const batch = JSON.parse(block(message, 'Route 53 change batch')) as {
      Changes: {
        Action: string;
        ResourceRecordSet: { Name: string; Type: string; TTL: number; ResourceRecords: { Value: string }[] };
      }[];
    };
    const change = batch.Changes[0];
    expect(change?.Action).toBe('UPSERT');
    expect(change?.ResourceRecordSet).toMatchObject({
      Name: `${request.recordName}.`,
      Type: 'TXT',
      TTL: 3600,
    });
    const value = change?.ResourceRecordSet.ResourceRecords[0]?.Value ?? '';
    expect(unquote(value).every((part) => Buffer.byteLength(part) <= 255)).toBe(true);
    expect(unquote(value).join('')).toBe(request.value);
  });

  it.each<[Language, RegExp, RegExp]>([
    ['ja', /■ 日本語/, /■ English|Please publish/],
    ['en', /■ English/, JAPANESE],
  ])('renders only the configured language (%s)', (language, present, absent) => {
    const { subject, message } = render(dnsRequestNotification(requestMessage()), language);
    expect(message).toMatch(present);
    expect(`${subject}\n${message}`).not.toMatch(absent);
    // The record data is there whatever the language
    expect(message).toContain(request.zoneFileLine);
  });

  it('turns into a WARNING reminder that says earlier links died, and warns on the last one', () => {
    const second = render(dnsRequestNotification(requestMessage({ reminderNumber: 2 })), 'both');
    expect(second.subject).toMatch(/^\[WARNING\] リマインド 2\/3: /);
    expect(second.message).toContain('以前のメールのリンクは無効になりました');
    expect(second.message).toContain('The links of earlier messages no longer work');
    expect(second.message).toContain('a reminder with a new link follows');
    const last = render(dnsRequestNotification(requestMessage({ reminderNumber: 3 })), 'en');
    expect(last.message).toContain('This is the last reminder');
  });

  it('keeps the subject under SNS limit, severity first, for a long domain', () => {
    const long = { ...request, domain: `${'a'.repeat(60)}.example.jp` };
    const { subject } = render(dnsRequestNotification(requestMessage({ request: long })), 'both');
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^\[INFO\] /);
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('the template family', () => {
  const all = (): Notification[] => [
    dnsRequestNotification(requestMessage()),
    dnsRequestNotification(requestMessage({ reminderNumber: 1 })),
    successNotification({
      domain: DOMAIN,
      selector: SELECTOR,
      regions: ['ap-northeast-1', 'ap-northeast-3'],
      oldSelectors: [OLD_SELECTOR],
      retentionDays: 7,
      retireAfter: new Date('2026-11-30T03:00:00Z'),
      contacts: CONTACTS,
    }),
    retirementNotification({
      domain: DOMAIN,
      selector: SELECTOR,
      oldSelector: OLD_SELECTOR,
      ttl: 3600,
      contacts: CONTACTS,
    }),
    abandonedNotification({ domain: DOMAIN, selector: SELECTOR, reason: 'expired', contacts: CONTACTS }),
    abandonedNotification({ domain: DOMAIN, selector: SELECTOR, reason: 'rejected' }),
    ...(['rolled-back', 'rollback-failed', 'retirement-failed'] as const).map((kind) =>
      failureNotification({
        kind,
        domain: DOMAIN,
        selector: SELECTOR,
        executionName: `mail-example-jp-${SELECTOR}`,
        reason: 'SesDkimFailed: FAILED in ap-northeast-1',
        contacts: CONTACTS,
      }),
    ),
    route53ChangeNotification({
      action: 'published',
      domain: DOMAIN,
      selector: SELECTOR,
      recordName: `${SELECTOR}._domainkey.${DOMAIN}`,
      hostedZoneId: 'Z0123456789ABC',
      zoneFileLine: `${SELECTOR}._domainkey.${DOMAIN}. 3600 IN TXT "v=DKIM1; k=rsa; p=MIIB"`,
      changeId: '/change/C2',
      contacts: CONTACTS,
    }),
    route53ChangeNotification({
      action: 'removed',
      domain: DOMAIN,
      selector: SELECTOR,
      recordName: `${OLD_SELECTOR}._domainkey.${DOMAIN}`,
      hostedZoneId: 'Z0123456789ABC',
      contacts: CONTACTS,
    }),
  ];

  it('names only commands byodkim has, and never tells anyone to run byodkim redrive', () => {
    // GIVEN the commands of the real CLI
    const commands = new Set(buildProgram().commands.map((command) => command.name()));
    // WHEN every message is rendered in both languages
    const texts = all().map((notification) => render(notification, 'both').message);
    // THEN each `byodkim <command>` exists (a rejected rotation once said `byodkim rotate`), and no
    // notice sends operators to a redrive: the endings notified here are Fail states it cannot help
    const named = texts.flatMap((text) => [...text.matchAll(/byodkim ([a-z-]+)/g)].map((match) => match[1]));
    expect(named.length).toBeGreaterThan(5);
    for (const command of named) expect(commands).toContain(command);
    for (const text of texts) expect(text).not.toContain('byodkim redrive');
  });

  it('never puts a private key or a task token in any message, in any language', () => {
    const documents = all().flatMap((notification, index) =>
      (['ja', 'en', 'both'] as const).map((language) => {
        const { subject, message } = render(notification, language);
        return { source: `${index}:${language}`, text: `${subject}\n${message}` };
      }),
    );
    const report = scanForLeaks(documents, { privateKeys: [keyPair.privateKey], taskTokens: [TASK_TOKEN] });
    expect(report).toMatchObject({ scanned: 33, found: 0 });
    // (the scan itself finds a key when there is one)
    expect(
      scanForLeaks([{ source: 'control', text: privateKeyToPem(keyPair.privateKey) }], {
        privateKeys: [keyPair.privateKey],
        taskTokens: [],
      }).found,
    ).toBeGreaterThan(0);
  });

  it('writes Japanese then English in every message, with a severity in every subject', () => {
    for (const notification of all()) {
      const { subject, message } = render(notification, 'both');
      expect(subject).toMatch(/^\[(CRITICAL|WARNING|INFO)\] \S/);
      expect(message.indexOf('■ 日本語')).toBeGreaterThan(-1);
      expect(message.indexOf('■ 日本語')).toBeLessThan(message.indexOf('■ English'));
    }
    expect(all().map((notification) => notification.severity)).toEqual([
      'INFO',
      'WARNING',
      'INFO',
      'INFO',
      'WARNING',
      'WARNING',
      'WARNING',
      'CRITICAL',
      'WARNING',
      'INFO',
      'INFO',
    ]);
  });

  it('tells the DNS team of every change the workflow makes in their Route 53 zone (AUTO), nothing to do', () => {
    const [published, removed] = all()
      .slice(-2)
      .map((notification) => render(notification, 'both'));
    expect(published?.subject).toBe(
      `[INFO] DKIM レコード登録 (Route 53) ${DOMAIN} / DKIM record added (Route 53): ${DOMAIN}`,
    );
    expect(published?.message).toContain(
      `ホストゾーン Z0123456789ABC に ${SELECTOR}._domainkey.${DOMAIN} の TXT レコードを作成しました`,
    );
    expect(published?.message).toContain(
      `created the TXT record ${SELECTOR}._domainkey.${DOMAIN} in hosted zone Z0123456789ABC`,
    );
    expect(published?.message).toContain('Action: CREATE');
    expect(published?.message).toContain('/change/C2');
    expect(published?.message).toContain('IN TXT "v=DKIM1; k=rsa; p=MIIB"');
    expect(removed?.subject).toBe(
      `[INFO] 旧 DKIM レコード削除 (Route 53) ${DOMAIN} / DKIM record removed (Route 53): ${DOMAIN}`,
    );
    expect(removed?.message).toContain(`deleted the old TXT record ${OLD_SELECTOR}._domainkey.${DOMAIN}`);
    expect(removed?.message).toContain('Action: DELETE');
    // the simulated DNS team (and people) must not read it as a request to act
    expect(removed?.message).not.toMatch(/Please remove|remove the TXT record/);
    for (const message of [published?.message, removed?.message]) expect(message).toContain(CONTACTS[0]);
  });

  it('after an AUTO rotation, says the workflow deletes the old record, not that the team will be asked', () => {
    const input = {
      domain: DOMAIN,
      selector: SELECTOR,
      regions: ['ap-northeast-1'],
      oldSelectors: [OLD_SELECTOR],
      retentionDays: 7,
      retireAfter: new Date('2026-11-30T03:00:00Z'),
    };
    const manual = render(successNotification(input), 'both').message;
    const auto = render(successNotification({ ...input, workflowRetires: true }), 'both').message;
    expect(manual).toContain('you will be asked to remove');
    expect(auto).not.toContain('you will be asked to remove');
    expect(auto).toContain('the workflow deletes them from Route 53 and tells you');
    expect(auto).toContain('ワークフローが Route 53 から削除し');
  });

  it('asks to remove or revoke only the old record, with a pasteable revocation', () => {
    const { message } = render(
      retirementNotification({ domain: DOMAIN, selector: SELECTOR, oldSelector: OLD_SELECTOR, ttl: 3600 }),
      'both',
    );
    const oldRecord = `${OLD_SELECTOR}._domainkey.${DOMAIN}`;
    // The sentence the simulated DNS team acts on
    expect(/remove the TXT record (\S+?),/.exec(message)?.[1]).toBe(oldRecord);
    expect(block(message, 'To revoke instead (zone-file line)')).toBe(
      `${oldRecord}. 3600 IN TXT "v=DKIM1; p="`,
    );
    const batch = JSON.parse(block(message, 'To revoke instead (Route 53')) as {
      Changes: { ResourceRecordSet: { Name: string; ResourceRecords: { Value: string }[] } }[];
    };
    expect(batch.Changes[0]?.ResourceRecordSet.Name).toBe(`${oldRecord}.`);
    expect(unquote(batch.Changes[0]?.ResourceRecordSet.ResourceRecords[0]?.Value ?? '')).toEqual([
      'v=DKIM1; p=',
    ]);
    expect(message).toContain(
      `Do not change the record of the new selector, ${SELECTOR}._domainkey.${DOMAIN}`,
    );
  });

  it('tells the DNS team to keep the old record after a rollback, and pages operators when rollback failed', () => {
    const base = {
      domain: DOMAIN,
      selector: SELECTOR,
      executionName: 'exec-1',
      reason: 'SesDkimFailed: FAILED in ap-northeast-1',
    };
    const rolledBack = render(failureNotification({ ...base, kind: 'rolled-back' }), 'both');
    expect(rolledBack.subject).toMatch(/^\[WARNING\] /);
    expect(rolledBack.message).toContain('Do not remove the old record');
    expect(rolledBack.message).toContain('旧レコードは削除しないでください');
    expect(rolledBack.message).toContain('SesDkimFailed: FAILED in ap-northeast-1');
    const failed = render(failureNotification({ ...base, kind: 'rollback-failed' }), 'both');
    expect(failed.subject).toMatch(/^\[CRITICAL\] DKIM ロールバック失敗/);
    // a redrive would end in the same Fail state: the message sends operators to the manual restore
    expect(failed.message).toContain('Restoring SES signing by hand');
    expect(failed.message).toContain('byodkim start <domain>');
    expect(rolledBack.message).not.toMatch(/then start a new rotation or redrive/);
    const retirement = render(failureNotification({ ...base, kind: 'retirement-failed' }), 'both');
    expect(retirement.message).toContain('No redrive is needed');
  });

  it('passes any reason a caller gives through the sanitiser: one line, no ARN, no account', () => {
    const denial = 'AccessDenied: User: arn:aws:sts::123456789012:assumed-role/r/s is not\r\nauthorized';
    const { message } = render(
      failureNotification({
        domain: DOMAIN,
        selector: SELECTOR,
        executionName: 'exec-1',
        kind: 'rolled-back',
        reason: denial,
      }),
      'en',
    );
    expect(message).toContain('AccessDenied: User: <arn> is not authorized');
    expect(message).not.toMatch(/123456789012|arn:aws|\r/);
  });

  it("sanitises the monitor's finding details, which may quote SDK errors", () => {
    const notice = monitorNotification({
      domain: DOMAIN,
      findings: [
        finding(
          'ses-unreadable',
          'SES in ap-northeast-1 could not be read: User: arn:aws:sts::123456789012:assumed-role/m/s is not authorized\r\nSubject: x',
          { region: 'ap-northeast-1' },
        ),
      ],
      daysUntilExpiry: 20,
      action: 'none',
    });
    expect(notice.body.en).toContain('could not be read: User: <arn> is not authorized Subject: x');
    expect(notice.body.en).not.toMatch(/123456789012|arn:aws|\r/);
  });
});

describe('addresses the DNS check did not ask', () => {
  const LAMBDA_REASON = 'Lambda outside a VPC has no IPv6 egress';
  const notChecked = [
    { nameServer: 'ns1.example.jp', address: '2001:db8::1', reason: LAMBDA_REASON },
    { nameServer: 'ns2.example.jp', address: '2001:db8::2', reason: LAMBDA_REASON },
  ];
  const success = (changes: Partial<Parameters<typeof successNotification>[0]> = {}) =>
    successNotification({
      domain: DOMAIN,
      selector: SELECTOR,
      regions: ['ap-northeast-1'],
      oldSelectors: [OLD_SELECTOR],
      retentionDays: 7,
      retireAfter: new Date('2026-11-30T03:00:00Z'),
      contacts: CONTACTS,
      ...changes,
    });

  it('names each host, its IPv6 addresses and the reason in the success notice, in Japanese and English', () => {
    // GIVEN VerifyDnsRecord did not ask the IPv6 addresses of two name servers
    // WHEN the success notice is rendered in each language
    const en = render(success({ notChecked }), 'en').message;
    const ja = render(success({ notChecked }), 'ja').message;
    // THEN it says which addresses were not checked, why, and how to check them
    expect(en).toContain(
      `IPv6 addresses of ns1.example.jp (2001:db8::1), ns2.example.jp (2001:db8::2) were not checked: ${LAMBDA_REASON}; deploy with dnsCheckVpc to check them`,
    );
    expect(ja).toContain(
      'ns1.example.jp (2001:db8::1), ns2.example.jp (2001:db8::2) の IPv6 アドレスは確認していません: VPC 外の Lambda には IPv6 の外向き通信がないためです。',
    );
    expect(ja).toContain('dnsCheckVpc');
  });

  it('says nothing about unchecked addresses when every address was asked (or the state predates the field)', () => {
    // GIVEN a verification that asked every address, and one from before the field existed
    const none = render(success({ notChecked: [] }), 'both').message;
    const older = render(success(), 'both').message;
    // THEN neither notice mentions addresses not checked
    for (const message of [none, older]) {
      expect(message).not.toContain('not checked');
      expect(message).not.toContain('確認していません');
    }
  });

  it('gives an unknown reason verbatim and escapes control characters a hostile zone put in a host name', () => {
    // GIVEN a host name with a terminal escape and a line break, and an operator machine's reason
    const hostile = [
      {
        nameServer: 'ns1\u001b[2J\nFAKE.example.jp',
        address: '2001:db8::1',
        reason: 'no IPv6 route from this machine (ENETUNREACH)',
      },
    ];
    // WHEN the success notice is rendered
    const { message } = render(success({ notChecked: hostile }), 'both');
    // THEN the name is printable on one line and the reason is shown as given
    expect(message).toContain(
      'IPv6 addresses of ns1\\x1b[2J\\x0aFAKE.example.jp (2001:db8::1) were not checked: no IPv6 route from this machine (ENETUNREACH).',
    );
    expect(message).not.toContain('\u001b');
    expect(message).not.toMatch(/^FAKE/m);
  });

  it("tells the DNS team in the retirement notices which addresses the old key's removal is not checked on", () => {
    // GIVEN the new record's verification did not ask one IPv6 address
    const one = [notChecked[0] ?? { nameServer: '', address: '', reason: '' }];
    // WHEN the MANUAL request and the AUTO removal notice are rendered
    const manual = render(
      retirementNotification({
        domain: DOMAIN,
        selector: SELECTOR,
        oldSelector: OLD_SELECTOR,
        ttl: 3600,
        notChecked: one,
      }),
      'both',
    ).message;
    const auto = render(
      route53ChangeNotification({
        action: 'removed',
        domain: DOMAIN,
        selector: SELECTOR,
        recordName: `${OLD_SELECTOR}._domainkey.${DOMAIN}`,
        hostedZoneId: 'Z0123456789ABC',
        notChecked: one,
      }),
      'both',
    ).message;
    // THEN both name the address and the reason, in both languages
    for (const message of [manual, auto]) {
      expect(message).toContain(
        `When the new record was verified: IPv6 addresses of ns1.example.jp (2001:db8::1) were not checked: ${LAMBDA_REASON}`,
      );
      expect(message).toContain(
        '新しいレコードの確認時: ns1.example.jp (2001:db8::1) の IPv6 アドレスは確認していません',
      );
    }
  });
});

describe('the planned SES switch', () => {
  it('names the apply window and its next opening in both languages, or says "as soon as verified"', () => {
    const window = { start: '02:00', end: '04:00', timeZone: 'Asia/Tokyo' };
    // 12:00 JST: the next opening is 02:00 JST the next day (17:00 UTC).
    const planned = plannedSwitchLine(window, new Date('2026-12-03T03:00:00Z'));
    expect(planned.en).toContain('inside the apply window 02:00–04:00 Asia/Tokyo');
    expect(planned.en).toContain('2026-12-03 17:00 UTC');
    expect(planned.ja).toContain('適用時間帯 02:00–04:00 Asia/Tokyo');
    expect(planned.ja).toContain('2026年12月4日(金) 02:00 (日本時間)');
    expect(plannedSwitchLine(undefined, new Date()).en).toMatch(/as soon as every name server serves/);
  });
});
