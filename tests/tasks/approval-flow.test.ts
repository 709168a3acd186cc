/**
 * NotifyDnsTeam → approval endpoint → SendReminder → AbandonKey: the task token stays in S3, a GET
 * never acts, a POST needs the page's CSRF token, decisions are single use, old links die. Long on
 * purpose: one approval's life from link to decision, each step building on the stand-ins' state.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { approvalUrl, csrfToken } from '../../shared/rotation/approval-links';
import type { ApprovalRecord } from '../../shared/rotation/approvals';
import { buildDnsRequest, dnsRequestZonePath } from '../../shared/rotation/dns-request';
import { dnsRequestPath } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState } from '../../shared/rotation/state';
import { abandonKey } from '../../tasks/abandon-key/logic';
import { type ApprovalRequest, handleApprovalRequest } from '../../tasks/approval-endpoint/logic';
import { notifyDnsTeam } from '../../tasks/notify-dns-team/logic';
import { sendReminder } from '../../tasks/send-reminder/logic';
import {
  DNS_TOPIC,
  FakeS3,
  FakeSns,
  fixedClock,
  OPS_TOPIC,
  sdkError,
  serverError,
  TEST_KEY,
  TEST_KEYS,
  TEST_LINK_KEY,
  throttling,
} from './support/fakes';
import { DOMAIN, keyPairs, keyReference, metadataOf, NEW_SELECTOR, seedKey, state } from './support/rotation';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSecretTaskToken0123456789';
const EXECUTION = 'arn:aws:states:ap-northeast-1:111122223333:execution:byodkim-rotation:example-jp-sel';

/** Step Functions' answer to a token whose task is closed, and a reply lost on the way back. */
const taskTimedOut = () => sdkError('TaskTimedOut', 400, 'Task Timed Out');
const replyLost = () => Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });

/** GetExecutionHistory events: SendReminder entered after the wait of reminder number `count` timed out. */
const reminderAfterTimeout = (count: number): HistoryEvent => ({
  id: 12,
  timestamp: new Date(),
  type: 'TaskStateEntered',
  stateEnteredEventDetails: {
    name: 'SendReminder',
    input: JSON.stringify({ reminders: { count }, waitTimeout: { Error: 'States.Timeout', Cause: '' } }),
  },
});

/** The TaskSucceeded event SendTaskSuccess of `approvalId` leaves in the history. */
const approvalLanded = (approvalId: string): HistoryEvent => ({
  id: 11,
  timestamp: new Date(),
  type: 'TaskSucceeded',
  taskSucceededEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke.waitForTaskToken',
    output: JSON.stringify({ decision: 'APPROVED', approvalId, decidedAt: '2026-11-21T00:00:00.000Z' }),
  },
});
const BASE = 'https://approve.example.jp';

describe('approval flow', () => {
  let s3: FakeS3;
  let sns: FakeSns;
  const sfn = new SFNClient({ region: 'ap-northeast-1' });
  const sfnMock = mockClient(sfn);
  let clock: ReturnType<typeof fixedClock>;
  let ids: string[];
  const waiting: RotationState = state({
    key: keyReference(),
    dnsRequest: {
      dnsRequestKey: dnsRequestPath(DOMAIN, NEW_SELECTOR),
      recordName: 'r',
      zoneFileKey: dnsRequestZonePath(DOMAIN, NEW_SELECTOR),
    },
  });

  const notifyDeps = () => ({
    ...s3.deps(),
    dnsTeam: sns.topic(DNS_TOPIC),
    approvalKeys: async () => TEST_KEYS,
    approvalBaseUrl: BASE,
    newId: () => ids.shift() ?? 'unexpected-extra-id',
    clock,
    logger: silentLogger,
  });
  const endpointDeps = () => ({
    ...s3.deps(),
    sfn,
    approvalKeys: async () => TEST_KEYS,
    clock,
    logger: silentLogger,
  });
  const linkOf = (id: string) =>
    new URL(approvalUrl(BASE, TEST_KEY, id, new Date(clock().getTime() + 72 * 3600_000)));
  const get = (url: URL): ApprovalRequest => ({
    method: 'GET',
    approvalId: decodeURIComponent(url.pathname.split('/').pop() ?? ''),
    query: Object.fromEntries(url.searchParams),
    form: {},
  });
  const post = (url: URL, decision: string, csrf?: string): ApprovalRequest => {
    const approvalId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    const exp = url.searchParams.get('exp') ?? '';
    return {
      method: 'POST',
      approvalId,
      query: {},
      form: {
        exp,
        kv: url.searchParams.get('kv') ?? '',
        sig: url.searchParams.get('sig') ?? '',
        decision,
        csrf: csrf ?? csrfToken(TEST_LINK_KEY, approvalId, Number(exp)),
      },
    };
  };

  beforeEach(async () => {
    s3 = new FakeS3();
    sns = new FakeSns();
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    clock = fixedClock();
    ids = ['approval-id-0000000001', 'approval-id-0000000002'];
    const [, newKey] = await keyPairs();
    if (newKey === undefined) throw new Error('keys');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
    s3.seed(
      dnsRequestPath(DOMAIN, NEW_SELECTOR),
      JSON.stringify(
        buildDnsRequest({
          domain: DOMAIN,
          selector: NEW_SELECTOR,
          publicKey: newKey.publicKey,
          requestedAt: clock(),
        }),
      ),
    );
  });
  afterEach(() => {
    s3.restore();
    sns.restore();
  });

  it('stores the task token only in approvals/<id>.json and sends a link without it', async () => {
    // WHEN NotifyDnsTeam runs
    const result = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    // THEN the token is in the approval record
    expect(s3.json<ApprovalRecord>(`approvals/${result.approvalId}.json`)).toEqual(
      expect.objectContaining({ taskToken: TOKEN, status: 'OPEN', domain: DOMAIN }),
    );
    // AND not in the notification, the result, or the key's metadata
    const message = JSON.stringify(sns.messages);
    expect(message).not.toContain(TOKEN);
    expect(message).toContain(`${BASE}/approvals/${result.approvalId}?exp=`);
    // AND the message names the files the team can paste
    expect(message).toContain(`s3://${s3.deps().bucket}/${dnsRequestPath(DOMAIN, NEW_SELECTOR)}`);
    expect(message).toContain(`s3://${s3.deps().bucket}/${dnsRequestZonePath(DOMAIN, NEW_SELECTOR)}`);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(metadataOf(s3, NEW_SELECTOR).openApprovalId).toBe(result.approvalId);
  });

  it('shows the page on GET without resuming the workflow, even when fetched twice by a scanner', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const url = linkOf(approvalId);
    for (let i = 0; i < 2; i++) {
      const response = await handleApprovalRequest(get(url), endpointDeps());
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(DOMAIN);
      expect(response.body).not.toContain(TOKEN);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('renders what is approved in Japanese then English, two CSRF forms, and a CSP naming its stylesheet', async () => {
    // GIVEN a link was sent
    const { approvalId } = await notifyDnsTeam(
      { state: { ...waiting, plan: { ...waiting.plan, opsContacts: ['ops@example.jp'] } }, taskToken: TOKEN },
      notifyDeps(),
    );
    const request = s3.json<{ recordName: string; fingerprint: string }>(
      dnsRequestPath(DOMAIN, NEW_SELECTOR),
    );
    // WHEN the page is opened
    const { statusCode, headers, body } = await handleApprovalRequest(
      get(linkOf(approvalId)),
      endpointDeps(),
    );
    // THEN it shows the domain, record name, fingerprint and expiry (JST and UTC), Japanese first
    expect(statusCode).toBe(200);
    for (const text of [
      DOMAIN,
      request.recordName,
      request.fingerprint,
      '(日本時間)',
      ' UTC',
      'ops@example.jp',
    ]) {
      expect(body).toContain(text);
    }
    expect(body.indexOf('レコードの公開前に承認しても構いません')).toBeLessThan(
      body.indexOf('You may approve before the record is live'),
    );
    // AND two POST forms carry the CSRF token of this link, and nothing carries the task token
    const csrf = csrfToken(TEST_LINK_KEY, approvalId, Number(linkOf(approvalId).searchParams.get('exp')));
    expect(body.match(/<form method="post">/g)).toHaveLength(2);
    expect(body.match(new RegExp(`name="csrf" value="${csrf}"`, 'g'))).toHaveLength(2);
    expect(body).not.toContain(TOKEN);
    expect(body).not.toMatch(/<script/i);
    // AND the CSP allows exactly its stylesheet (by hash), no framing, no referrer, no caching
    const style = /<style>([\s\S]*?)<\/style>/.exec(body)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
  });

  it('answers HEAD like GET and never acts on it', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const response = await handleApprovalRequest(
      { ...get(linkOf(approvalId)), method: 'HEAD' },
      endpointDeps(),
    );
    expect(response.statusCode).toBe(200);
    expect(sfnMock.calls()).toHaveLength(0);
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).status).toBe('OPEN');
    expect(
      (await handleApprovalRequest({ ...get(linkOf(approvalId)), method: 'PUT' }, endpointDeps())).statusCode,
    ).toBe(405);
  });

  it('explains forged, expired and late links on pages that change nothing', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const link = linkOf(approvalId);
    const forged = new URL(link);
    forged.searchParams.set('sig', 'AAAA');
    const refused = await handleApprovalRequest(get(forged), endpointDeps());
    expect(refused.body).toContain('このリンクは無効です');
    expect(refused.body).toContain('This link is not valid');
    sfnMock.on(SendTaskSuccessCommand).rejects(taskTimedOut());
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [reminderAfterTimeout(0)] });
    const late = await handleApprovalRequest(post(link, 'approve'), endpointDeps());
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('This request has expired');
    // (the approval that never reached the workflow now reads "expired", not "approved")
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).status).toBe('EXPIRED');
    expect((await handleApprovalRequest(get(link), endpointDeps())).body).toContain('This link has expired');
    clock.advance(73 * 3600_000);
    const expired = await handleApprovalRequest(get(link), endpointDeps());
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('このリンクの有効期限が切れました');
    expect(expired.body).not.toContain('<form');
  });

  it('approves once on a POST with the CSRF token; a second POST changes nothing', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const url = linkOf(approvalId);
    // WHEN the DNS team approves
    const first = await handleApprovalRequest(post(url, 'approve'), endpointDeps());
    // THEN Step Functions gets the token with a decision holding no token
    expect(first.statusCode).toBe(200);
    const sent = sfnMock.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args[0].input.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent[0]?.args[0].input.output ?? '{}')).toEqual(
      expect.objectContaining({ decision: 'APPROVED', approvalId }),
    );
    expect(sent[0]?.args[0].input.output).not.toContain(TOKEN);
    // AND a replay is refused
    const second = await handleApprovalRequest(post(url, 'approve'), endpointDeps());
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Already decided');
    expect(second.body).toContain('この依頼は処理済みです');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('refuses a POST without the page CSRF token, a forged signature and an expired link', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const url = linkOf(approvalId);
    expect((await handleApprovalRequest(post(url, 'approve', 'nope'), endpointDeps())).statusCode).toBe(403);
    const forged = new URL(url);
    forged.searchParams.set('sig', 'AAAA');
    expect((await handleApprovalRequest(get(forged), endpointDeps())).statusCode).toBe(403);
    clock.advance(73 * 3600_000);
    expect((await handleApprovalRequest(post(url, 'approve'), endpointDeps())).statusCode).toBe(410);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('rejects with DnsChangeRejected, the error AbandonKey catches', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    await handleApprovalRequest(post(linkOf(approvalId), 'reject'), endpointDeps());
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual(
      expect.objectContaining({ taskToken: TOKEN, error: 'DnsChangeRejected' }),
    );
  });

  it('answers a decision arriving after the wait timed out with a clear page, once the history shows it', async () => {
    // GIVEN the wait of this link timed out: SendReminder was entered for reminder number 0
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    sfnMock.on(SendTaskSuccessCommand).rejects(taskTimedOut());
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [reminderAfterTimeout(0)] });
    // WHEN the DNS team approves
    const response = await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps());
    // THEN the page says it came too late and a reminder follows; the record reads EXPIRED
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('A reminder with a new link follows');
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).status).toBe('EXPIRED');
  });

  it('never reports an approval that reached Step Functions as lost when its reply was lost', async () => {
    // GIVEN SendTaskSuccess commits but its reply is lost; the retry then meets the closed task
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(replyLost()).rejects(taskTimedOut());
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [approvalLanded(approvalId)] });

    // WHEN the DNS team approves, then someone presses reject on the same link
    const approved = await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps());
    const rejected = await handleApprovalRequest(post(linkOf(approvalId), 'reject'), endpointDeps());

    // THEN the history was read and the approval confirmed: the page says approved, never "not recorded"
    expect(approved.statusCode).toBe(200);
    expect(approved.body).toContain('承認しました');
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`)).toMatchObject({
      status: 'APPROVED',
      delivery: 'CONFIRMED',
    });
    // AND the later reject changes nothing and promises no reminder
    expect(rejected.statusCode).toBe(409);
    expect(rejected.body).toContain('Already decided');
    expect(rejected.body).not.toContain('reminder');
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input.executionArn).toBe(EXECUTION);
  });

  it('sends the same decision again within the request when Step Functions is throttled once', async () => {
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(throttling()).resolves({});
    const response = await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps());
    expect(response.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).delivery).toBe('CONFIRMED');
  });

  it('keeps an unconfirmed decision, refuses the other one, and confirms it when sent again', async () => {
    // GIVEN Step Functions cannot be reached for a whole request, and its history shows nothing yet
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    sfnMock.on(SendTaskSuccessCommand).rejects(serverError());
    // WHEN the DNS team approves
    const first = await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps());
    // THEN the page says the approval is recorded, not confirmed, and offers to send it again (503, counted)
    expect(first.statusCode).toBe(503);
    expect(first.body).toContain('Your approval is recorded, not yet confirmed');
    expect(first.body).toContain('name="decision" value="approve"');
    expect(first.body).not.toContain('value="reject"');
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`)).toMatchObject({
      status: 'APPROVED',
      delivery: 'PENDING',
    });
    // AND a reject meanwhile is refused without reaching Step Functions
    const reject = await handleApprovalRequest(post(linkOf(approvalId), 'reject'), endpointDeps());
    expect(reject.statusCode).toBe(409);
    expect(reject.body).toContain('This request was already approved');
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    // AND opening the link shows the same state without acting
    const sentBefore = sfnMock.commandCalls(SendTaskSuccessCommand).length;
    expect((await handleApprovalRequest(get(linkOf(approvalId)), endpointDeps())).body).toContain(
      'もう一度送信 (承認)',
    );
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(sentBefore);
    // WHEN Step Functions answers again and the same decision is sent
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    const again = await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps());
    // THEN it is confirmed
    expect(again.statusCode).toBe(200);
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).delivery).toBe('CONFIRMED');
  });

  it('tells the loser of an approve/reject race what won when S3 answers 409 ConditionalRequestConflict', async () => {
    // GIVEN the approve landed while the reject's conditional write was in flight (S3: 409)
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const key = `approvals/${approvalId}.json`;
    const open = s3.objects.get(key);
    expect(await handleApprovalRequest(post(linkOf(approvalId), 'approve'), endpointDeps())).toMatchObject({
      statusCode: 200,
    });
    const approved = s3.objects.get(key);
    if (open === undefined || approved === undefined) throw new Error('no record');
    s3.objects.set(key, open);
    const take = s3.faults.take.bind(s3.faults);
    let raced = false;
    s3.faults.take = (command: string) => {
      if (command === 'PutObject' && !raced) {
        raced = true;
        s3.objects.set(key, approved);
        throw sdkError(
          'ConditionalRequestConflict',
          409,
          'The conditional request cannot succeed due to a conflicting operation against this resource.',
        );
      }
      take(command);
    };
    // WHEN the reject's write meets the conflict
    const loser = await handleApprovalRequest(post(linkOf(approvalId), 'reject'), endpointDeps());
    // THEN it re-read and shows "already approved", not "try again"
    expect(loser.statusCode).toBe(409);
    expect(loser.body).toContain('This request was already approved');
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('kills the old link when a reminder (or a redrive) sends a new one', async () => {
    // GIVEN a first link was sent and the wait timed out
    const first = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const reminders = await sendReminder(waiting, { ...s3.deps(), clock, logger: silentLogger });
    expect(reminders).toEqual({ count: 1 });
    // WHEN NotifyDnsTeam sends the reminder with a new token
    const second = await notifyDnsTeam(
      { state: { ...waiting, reminders }, taskToken: `${TOKEN}-2` },
      notifyDeps(),
    );
    // THEN the first link no longer works and the second does
    const old = await handleApprovalRequest(get(linkOf(first.approvalId)), endpointDeps());
    expect(old.statusCode).toBe(410);
    expect(old.body).toContain('This link has expired');
    expect(old.body).not.toContain('<form');
    expect((await handleApprovalRequest(get(linkOf(second.approvalId)), endpointDeps())).statusCode).toBe(
      200,
    );
    expect(sns.to(DNS_TOPIC)[1]?.Subject).toMatch(/^\[WARNING\] リマインド 1\/3: /);
  });

  it('fails with ApprovalExpired after maxReminders, then AbandonKey marks the key ABANDONED and kills the link', async () => {
    // GIVEN the last allowed reminder was sent
    const { approvalId } = await notifyDnsTeam(
      { state: waiting, taskToken: TOKEN, executionArn: EXECUTION },
      notifyDeps(),
    );
    const exhausted = { ...waiting, reminders: { count: 3 } };
    // WHEN the wait times out again
    await expect(
      sendReminder(exhausted, { ...s3.deps(), clock, logger: silentLogger }),
    ).rejects.toMatchObject({
      name: 'ApprovalExpired',
    });
    // AND AbandonKey runs
    const result = await abandonKey(
      { ...exhausted, failure: { Error: 'ApprovalExpired', Cause: '' } },
      {
        ...s3.deps(),
        operators: sns.topic(OPS_TOPIC),
        dnsTeam: sns.topic(DNS_TOPIC),
        clock,
        logger: silentLogger,
      },
    );
    // THEN the key can never be applied, both teams know, and the link is dead
    expect(result).toEqual({ selector: NEW_SELECTOR, state: 'ABANDONED', reason: 'approval expired' });
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ABANDONED');
    expect(sns.to(OPS_TOPIC)).toHaveLength(1);
    expect(s3.json<ApprovalRecord>(`approvals/${approvalId}.json`).status).not.toBe('OPEN');
  });

  it('reports SNS throttling as transient so the workflow retries the notification', async () => {
    sns.faults.add('Publish', throttling());
    await expect(
      notifyDnsTeam({ state: waiting, taskToken: TOKEN, executionArn: EXECUTION }, notifyDeps()),
    ).rejects.toMatchObject({
      name: 'TransientAwsError',
    });
  });
});
