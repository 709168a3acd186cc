import { generateKeyPairSync } from 'node:crypto';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { signApprovalLink } from '../../shared/rotation/approval-links';
import { parseZoneFile } from '../dns/zone-file';
import type { Scenario } from '../scenario';
import type { LocalEnvironment } from './environment';
import type { SentNotification } from './outbox';

/** What the simulated DNS team did to the approval endpoint. */
export interface ApprovalTally {
  /** Decisions the endpoint accepted (a POST that moved the rotation). */
  accepted: number;
  /** Tampering attempts the endpoint refused: forged, replayed, expired, another request's link. */
  refused: number;
  /** Every fetch and its HTTP status, for assertions. */
  readonly attempts: Array<{ kind: string; method: string; status: number }>;
}

const APPROVAL_URL =
  /https?:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_-]+\?exp=\d+&kv=[A-Za-z0-9-]+&sig=[A-Za-z0-9_-]+/g;

/** Reads the TXT value out of the zone-file line of a notification, as a DNS engineer pastes it. */
export function txtValueFromNotification(
  message: string,
  domain: string,
): { name: string; value: string } | undefined {
  const line = message.split('\n').find((text) => /\sIN TXT\s/.test(text));
  if (!line) return undefined;
  const zone = parseZoneFile(`@ IN SOA ns hostmaster 1 3600 600 86400 300\n${line}\n`, domain);
  const record = zone.records.find((candidate) => candidate.type === 'TXT');
  if (record?.type !== 'TXT') return undefined;
  return { name: record.name, value: record.data.map((part) => part.toString('latin1')).join('') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The DNS team of a scenario: reads the notifications addressed to it, edits the zone files of the
 * name servers it was told to (after its delay), and uses the approval page like a person: GET the
 * link, read the form, POST the decision. Mail scanners and attackers are simulated on request.
 */
export class SimulatedDnsTeam {
  readonly tally: ApprovalTally = { accepted: 0, refused: 0, attempts: [] };
  private readonly work: Promise<unknown>[] = [];
  private requestsSeen = 0;

  constructor(
    private readonly env: LocalEnvironment,
    private readonly scenario: Scenario,
  ) {
    env.outbox.onNotification((notification) => {
      if (notification.attributes.domain !== scenario.domain) return;
      this.work.push(this.handle(notification).catch(() => undefined));
    });
  }

  /** Resolves when everything the team started has finished. */
  async settled(): Promise<void> {
    while (this.work.length > 0) await Promise.all(this.work.splice(0));
  }

  private async handle(notification: SentNotification): Promise<void> {
    const retire = /remove the TXT record (\S+?),/.exec(notification.message);
    if (retire?.[1]) return this.retire(retire[1]);
    const links = notification.message.match(APPROVAL_URL) ?? [];
    const link = links[0];
    if (link === undefined) return;
    const team = this.scenario.dnsTeam;
    if (team.linkScanner) await this.scan(links);
    this.requestsSeen += 1;
    const first = this.requestsSeen === 1;
    if (first) {
      await this.tamper(link, 'before');
      if (team.decision === 'approve' && team.approveBeforePublish) await this.decide(link, 'approve');
      await sleep(team.publishDelayMs);
      this.publish(notification);
      if (team.decision === 'approve' && !team.approveBeforePublish) await this.decide(link, 'approve');
      if (team.decision === 'reject') await this.decide(link, 'reject');
      await this.tamper(link, 'after');
      if (team.catchUpAfterMs !== undefined && team.publishTo !== 'all') {
        await sleep(team.catchUpAfterMs);
        this.publish(notification, 'all');
      }
    }
  }

  private publish(
    notification: SentNotification,
    to: Scenario['dnsTeam']['publishTo'] = this.scenario.dnsTeam.publishTo,
  ): void {
    const team = this.scenario.dnsTeam;
    if (team.publish === 'none') return;
    const requested = txtValueFromNotification(notification.message, this.scenario.domain);
    if (!requested) return;
    const value =
      team.publish === 'correct'
        ? requested.value
        : dkimTxtValue(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    this.env.dns.publishTxt(this.scenario.domain, requested.name, value, to);
  }

  private retire(recordName: string): void {
    const how = this.scenario.dnsTeam.retireOldRecord;
    if (how === 'remove') this.env.dns.removeTxt(this.scenario.domain, recordName);
    if (how === 'revoke') this.env.dns.publishTxt(this.scenario.domain, recordName, 'v=DKIM1; p=');
  }

  /** GET the page, read its form, POST the decision with the page's CSRF token. */
  private async decide(link: string, decision: 'approve' | 'reject'): Promise<number> {
    const page = await fetch(link);
    const html = await page.text();
    const form = this.formFor(html, decision);
    this.record('page', 'GET', page.status);
    if (!form) return page.status;
    const response = await fetch(new URL(link).origin + new URL(link).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.record(`decide-${decision}`, 'POST', response.status);
    if (response.status === 200) this.tally.accepted += 1;
    return response.status;
  }

  private formFor(html: string, decision: string): Record<string, string> | undefined {
    for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
      const fields = Object.fromEntries(
        [...form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((match) => [
          match[1] ?? '',
          (match[2] ?? '').replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))),
        ]),
      );
      if (fields.decision === decision) return fields;
    }
    return undefined;
  }

  /** What a mail security scanner does: GET and HEAD every link, following redirects. */
  private async scan(links: readonly string[]): Promise<void> {
    for (const link of links) {
      for (const method of ['GET', 'HEAD']) {
        const response = await fetch(link, { method, redirect: 'follow' });
        await response.arrayBuffer();
        this.record('scanner', method, response.status);
      }
    }
  }

  private async tamper(link: string, when: 'before' | 'after'): Promise<void> {
    const url = new URL(link);
    const id = url.pathname.split('/').pop() ?? '';
    const exp = url.searchParams.get('exp') ?? '0';
    const kv = url.searchParams.get('kv') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    const post = async (kind: string, path: string, form: Record<string, string>) => {
      const response = await fetch(`${url.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      this.record(kind, 'POST', response.status);
      if (response.status >= 400) this.tally.refused += 1;
    };
    for (const attack of this.scenario.dnsTeam.tamper) {
      if (when === 'before' && attack === 'forged') {
        const forgedSig = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
        await post('forged', url.pathname, { exp, kv, sig: forgedSig, csrf: forgedSig, decision: 'approve' });
      }
      if (when === 'before' && attack === 'expired') {
        // A link that was genuinely signed but whose expiry has passed (an old notification).
        const past = String(Math.floor(Date.now() / 1000) - 3600);
        const { versionId, value } = this.env.approvalSecret.valueOf('AWSCURRENT');
        const oldSig = signApprovalLink({ version: versionId, secret: value }, id, Number(past));
        const page = await fetch(`${url.origin}${url.pathname}?exp=${past}&kv=${versionId}&sig=${oldSig}`);
        this.record('expired', 'GET', page.status);
        await post('expired', url.pathname, {
          exp: past,
          kv: versionId,
          sig: oldSig,
          csrf: oldSig,
          decision: 'approve',
        });
      }
      if (when === 'before' && attack === 'other-domain') {
        // This request's signature presented for another request id.
        await post('other-domain', `/approvals/${id.split('').reverse().join('')}`, {
          exp,
          kv,
          sig,
          csrf: sig,
          decision: 'approve',
        });
      }
      if (when === 'after' && attack === 'replayed') {
        const status = await this.decide(link, 'approve');
        if (status >= 400) this.tally.refused += 1;
      }
    }
  }

  private record(kind: string, method: string, status: number): void {
    this.tally.attempts.push({ kind, method, status });
  }
}
