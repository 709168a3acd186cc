/**
 * What the browser test and the screenshot script share: headless Debian Chromium driven by
 * playwright-core (never a downloaded browser), the scenario where the simulated DNS team
 * publishes the record but leaves the decision to a person, and the wait for its notification.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import type { LocalEnvironment } from '../../../local/runner/environment';
import type { SentNotification } from '../../../local/runner/outbox';
import { loadScenario, type Scenario } from '../../../local/scenario';

/** Debian's chromium package (CI installs it from scripts/debian-packages.txt). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium; fails with what to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: install the Debian package "chromium" (scripts/debian-packages.txt; .ci/run installs it). The browser test never downloads a browser.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * The happy path, except that the DNS team publishes the record and never decides: a person (the
 * browser) does. The approval wait is long enough that no reminder interferes.
 */
export function personApprovesScenario(changes: Partial<Scenario> = {}): Scenario {
  const base = loadScenario(join(__dirname, '../../../local/scenarios/happy-path.json'));
  return {
    ...base,
    name: 'person-approves',
    dnsTeam: { ...base.dnsTeam, decision: 'none', publishDelayMs: 0 },
    timing: { ...base.timing, approvalWaitMs: 300_000 },
    ...changes,
  };
}

const APPROVAL_URL =
  /https?:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_-]+\?exp=\d+&kv=[A-Za-z0-9-]+&sig=[A-Za-z0-9_-]+/;

/** The DNS request as the team received it, and what a person reads off it. */
export interface ReceivedRequest {
  readonly notification: SentNotification;
  readonly link: string;
  readonly recordName: string;
  readonly fingerprint: string;
}

/** Waits for the DNS request notification of `domain` in the local outbox. */
export async function waitForDnsRequest(
  env: LocalEnvironment,
  domain: string,
  timeoutMs = 60_000,
): Promise<ReceivedRequest> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const notification of env.outbox.sent) {
      const link = APPROVAL_URL.exec(notification.message)?.[0];
      if (notification.attributes.domain !== domain || link === undefined) continue;
      const recordName = /Record name: (\S+)/.exec(notification.message)?.[1];
      const fingerprint = /Key fingerprint: (SHA256:[0-9A-F:]+)/.exec(notification.message)?.[1];
      if (recordName === undefined || fingerprint === undefined) {
        throw new Error(`The DNS request lacks the record name or fingerprint:\n${notification.message}`);
      }
      return { notification, link, recordName, fingerprint };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No DNS request notification for ${domain} within ${timeoutMs} ms`);
}
