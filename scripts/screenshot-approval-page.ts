/**
 * Takes docs/images/approval-page.png: rehearses a rotation in the local environment (the browser
 * test's flow), opens the approval link of the DNS request in headless Debian Chromium, captures
 * the page, then approves so the rotation ends cleanly.
 *
 *   npx tsx scripts/screenshot-approval-page.ts [output.png]
 *
 * Japanese glyphs need a CJK font (Debian: fonts-noto-cjk); the browser test does not.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { rotate } from '../local/runner/rotate';
import {
  launchChromium,
  personApprovesScenario,
  waitForDnsRequest,
} from '../tests/browser/support/approval-browser';

async function main(): Promise<void> {
  const output = resolve(process.argv[2] ?? join(__dirname, '../docs/images/approval-page.png'));
  mkdirSync(dirname(output), { recursive: true });
  const scenario = personApprovesScenario({ domain: 'example.jp', selectorPrefix: 'mail' });
  const browser = await launchChromium();
  try {
    const run = await rotate(scenario, {
      afterStart: async (env) => {
        const request = await waitForDnsRequest(env, scenario.domain);
        const context = await browser.newContext({
          javaScriptEnabled: false,
          locale: 'ja-JP',
          viewport: { width: 960, height: 900 },
          deviceScaleFactor: 1,
        });
        try {
          const page = await context.newPage();
          await page.goto(request.link);
          await page.screenshot({ path: output, fullPage: true });
          await page.getByRole('button', { name: /Approve/ }).click();
          await page.waitForLoadState();
        } finally {
          await context.close();
        }
      },
    });
    process.stdout.write(`${output} (rotation ${run.summary.status})\n`);
    if (run.summary.status !== 'SUCCEEDED') process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
