/**
 * The approval page in real headless Chromium (Debian's, through playwright-core), with
 * JavaScript turned off: a person opens the link from the DNS request, reads both languages,
 * approves, and the rotation finishes in the local environment. A stale second tab and the Back
 * button then meet "already decided", and nothing moves twice.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { rotate } from '../../local/runner/rotate';
import { launchChromium, personApprovesScenario, waitForDnsRequest } from './support/approval-browser';

jest.setTimeout(180_000);

describe('approval page in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the request in Japanese and English, approves once, and the rotation succeeds', async () => {
    // GIVEN a rotation whose DNS team publishes the record and leaves the decision to a person
    const scenario = personApprovesScenario();
    const seen: {
      first?: {
        response: Response | null;
        text: string;
        approveButtons: number;
        rejectButtons: number;
        approveWidth: number;
      };
      approved?: { status: number | undefined; text: string };
      stale?: { status: number | undefined; text: string };
      back?: { text: string };
      cspViolations: string[];
      request?: Awaited<ReturnType<typeof waitForDnsRequest>>;
      approvalPosts: number;
    } = { cspViolations: [], approvalPosts: 0 };

    const run = await rotate(scenario, {
      afterStart: async (env) => {
        const request = await waitForDnsRequest(env, scenario.domain);
        seen.request = request;
        // A context without JavaScript: the page must work as plain HTML forms.
        const context: BrowserContext = await browser.newContext({
          javaScriptEnabled: false,
          locale: 'ja-JP',
        });
        try {
          const watch = (page: Page) =>
            page.on('console', (message) => {
              if (/Content Security Policy/i.test(message.text())) seen.cspViolations.push(message.text());
            });
          // WHEN a person opens the link from the notification
          const page = await context.newPage();
          watch(page);
          const response = await page.goto(request.link);
          seen.first = {
            response,
            text: (await page.locator('body').textContent()) ?? '',
            approveButtons: await page.getByRole('button', { name: /承認する\s*Approve/ }).count(),
            rejectButtons: await page.getByRole('button', { name: /却下する\s*Reject/ }).count(),
            approveWidth: (await page.getByRole('button', { name: /Approve/ }).boundingBox())?.width ?? 0,
          };
          // AND a second tab keeps the same form open
          const stale = await context.newPage();
          watch(stale);
          await stale.goto(request.link);

          // AND presses Approve
          const before = env.approvals.requests.filter((r) => r.method === 'POST').length;
          const [approved] = await Promise.all([
            page.waitForNavigation(),
            page.getByRole('button', { name: /Approve/ }).click(),
          ]);
          seen.approved = {
            status: approved?.status(),
            text: (await page.locator('body').textContent()) ?? '',
          };

          // AND presses Approve again in the stale tab
          const [again] = await Promise.all([
            stale.waitForNavigation(),
            stale.getByRole('button', { name: /Approve/ }).click(),
          ]);
          seen.stale = { status: again?.status(), text: (await stale.locator('body').textContent()) ?? '' };

          // AND goes Back to the form in the first tab (no-store: the page is fetched again)
          await page.goBack();
          seen.back = { text: (await page.locator('body').textContent()) ?? '' };
          seen.approvalPosts = env.approvals.requests.filter((r) => r.method === 'POST').length - before;
        } finally {
          await context.close();
        }
      },
    });

    // THEN the page showed exactly what is approved, in Japanese then English
    const { first, approved, stale, back, request } = seen;
    if (!first || !approved || !stale || !back || !request) throw new Error('the browser flow did not run');
    expect(first.response?.status()).toBe(200);
    const headers = first.response?.headers() ?? {};
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(headers['content-security-policy']).not.toMatch(/unsafe-inline|script-src/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-store');
    expect(first.text).toContain('DKIM レコードの承認');
    expect(first.text).toContain('Approve the DKIM record');
    // (Japanese first: the Japanese explanation comes before the English one)
    expect(first.text.indexOf('レコードの公開前に承認しても構いません')).toBeLessThan(
      first.text.indexOf('You may approve before the record is live'),
    );
    expect(first.text).toContain(scenario.domain);
    expect(first.text).toContain(request.recordName);
    expect(first.text).toContain(request.fingerprint);
    expect(first.text).toContain('レコードの公開前に承認しても構いません');
    expect(first.text).toContain('You may approve before the record is live');
    expect(first.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日\(.\) \d\d:\d\d \(日本時間\)/);
    expect(first.text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect([first.approveButtons, first.rejectButtons]).toEqual([1, 1]);
    // AND its stylesheet was allowed by the CSP hash: no violation, and the buttons are styled
    expect(seen.cspViolations).toEqual([]);
    expect(first.approveWidth).toBeGreaterThanOrEqual(180);
    // AND approving worked without JavaScript
    expect(approved.status).toBe(200);
    expect(approved.text).toContain('承認しました');
    expect(approved.text).toContain(
      'The workflow checks that every authoritative name server serves this record',
    );
    // AND the stale tab and the Back button met "already decided"
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('この依頼は処理済みです');
    expect(stale.text).toContain('Already decided');
    expect(stale.text).not.toContain('Approve the DKIM record');
    expect(back.text).toContain('Already decided');
    expect(seen.approvalPosts).toBe(2);
    // AND the rotation, resumed once by the person, finished
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(run.summary.statesVisited).toEqual(expect.arrayContaining(['ApplyToSes', 'RetireOldKey']));
    expect(run.summary.leaks.found).toBe(0);
    expect(run.summary.probe.failed).toBe(0);
  });
});
