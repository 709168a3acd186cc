/**
 * `byodkim status` without a domain: one row per configured domain, for a fleet of 1,000.
 *
 * The per-domain view (domain-status.ts) asks SES for each domain in each region, and SES allows
 * one identity request per second per account and region: 1,000 domains would take 17 minutes.
 * The fleet view asks each service once for the whole fleet instead, and leaves the per-domain
 * detail to `byodkim status <domain>`:
 * - SES: ListEmailIdentities per region, domains only (`Filter: {IDENTITY_TYPE: DOMAIN}`), 1,000
 *   identities a page (its PageSize maximum, SES API Reference v2, ListEmailIdentities) — one
 *   call per region for 1,000 domains. It reports each
 *   identity's verification status and whether it may send, not the DKIM selector.
 * - Step Functions: one ListExecutions of RUNNING executions for the state machine, then one
 *   DescribeExecution (to settle the domain by its input) and one GetExecutionHistory page per
 *   running rotation only.
 * - S3: the key store per domain (list, metadata, certificate of the active key), 32 domains at a
 *   time: S3 supports thousands of reads per second per prefix, and each domain is its own prefix.
 */
import { ListEmailIdentitiesCommand, type ListEmailIdentitiesCommandOutput } from '@aws-sdk/client-sesv2';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
} from '@aws-sdk/client-sfn';
import type { DomainConfig } from '../shared/config';
import { daysUntilExpiry, parseDkimCertificate } from '../shared/dkim/certificate';
import { ConcurrencyLimit } from '../shared/dns/limits';
import { readApproval } from '../shared/rotation/approvals';
import { callAws, TransientAwsError } from '../shared/rotation/aws-errors';
import { isExecutionNameOf } from '../shared/rotation/execution-name';
import { type KeyMetadata, readMetadata } from '../shared/rotation/key-metadata';
import { getObject, keyPaths, listSelectors } from '../shared/rotation/key-store';
import { describeRotation } from '../shared/rotation/rotation-executions';
import type { Target } from './target';

/** ListEmailIdentities' largest page (SES API Reference v2: PageSize "no more than 1000"). */
export const SES_LIST_PAGE_SIZE = 1000;

/** Domains whose key store is read at once. */
const KEY_STORE_CONCURRENCY = 32;

/** SES identity requests: 1 per second per account and region, so a throttled page waits this long. */
const SES_THROTTLE_PAUSE_MS = 1100;
const SES_ATTEMPTS = 5;

const DAY_MS = 86_400_000;

/** One region's view of a domain's identity, from ListEmailIdentities. */
export interface FleetSesEntry {
  readonly region: string;
  /** The identity's VerificationStatus (PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED); null: SES has no such identity. */
  readonly verificationStatus: string | null;
  /** Whether SES lets the identity send; null: no such identity. */
  readonly sendingEnabled: boolean | null;
}

/** One row of `byodkim status` for the whole fleet (`--json`: an array of these). */
export interface FleetDomainStatus {
  readonly domain: string;
  readonly rotationMode: 'MANUAL' | 'AUTO';
  readonly activeSelector: string | null;
  readonly keyAgeDays: number | null;
  readonly daysUntilExpiry: number | null;
  readonly expiresAt: string | null;
  readonly ses: readonly FleetSesEntry[];
  /** The running rotation and the state it is in; null when none runs. */
  readonly rotation: { readonly execution: string; readonly currentState: string | null } | null;
  readonly pendingApproval: {
    readonly approvalId: string;
    readonly selector: string;
    readonly deadline: string;
  } | null;
  /** Why an operator should look at this domain (empty: nothing to do). */
  readonly attention: readonly string[];
}

/** What the fleet view read, for the summary line and the bench. */
export interface FleetStatus {
  readonly domains: readonly FleetDomainStatus[];
  /** SES requests made (ListEmailIdentities pages, throttled attempts included). */
  readonly sesRequests: number;
}

/** Every identity of one region: name → entry. */
async function listIdentities(
  target: Target,
  region: string,
  counter: { requests: number },
): Promise<Map<string, Omit<FleetSesEntry, 'region'>>> {
  const identities = new Map<string, Omit<FleetSesEntry, 'region'>>();
  let nextToken: string | undefined;
  do {
    const page = await listPagePatiently(target, region, nextToken, counter);
    for (const identity of page.EmailIdentities ?? []) {
      if (identity.IdentityType !== 'DOMAIN' || identity.IdentityName === undefined) continue;
      identities.set(identity.IdentityName.toLowerCase(), {
        verificationStatus: identity.VerificationStatus ?? null,
        sendingEnabled: identity.SendingEnabled ?? null,
      });
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return identities;
}

/** One page, waiting out SES's 1 request/s when throttled (as readSigningPatiently does). */
async function listPagePatiently(
  target: Target,
  region: string,
  nextToken: string | undefined,
  counter: { requests: number },
): Promise<ListEmailIdentitiesCommandOutput> {
  for (let attempt = 1; ; attempt += 1) {
    counter.requests += 1;
    try {
      return await callAws(`SES ListEmailIdentities (${region})`, () =>
        target.ses(region).send(
          new ListEmailIdentitiesCommand({
            Filter: { IDENTITY_TYPE: 'DOMAIN' },
            PageSize: SES_LIST_PAGE_SIZE,
            NextToken: nextToken,
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof TransientAwsError) || attempt >= SES_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, SES_THROTTLE_PAUSE_MS));
    }
  }
}

/** The running executions of the state machine (one listing for the fleet). */
async function runningExecutions(target: Target): Promise<Array<{ executionArn: string; name: string }>> {
  const running: Array<{ executionArn: string; name: string }> = [];
  let nextToken: string | undefined;
  do {
    const page: ListExecutionsCommandOutput = await callAws('Step Functions ListExecutions', () =>
      target.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: target.stateMachineArn,
          statusFilter: 'RUNNING',
          maxResults: 1000,
          nextToken,
        }),
      ),
    );
    for (const execution of page.executions ?? []) {
      if (execution.executionArn && execution.name) {
        running.push({ executionArn: execution.executionArn, name: execution.name });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return running;
}

/** The state a running execution is in: the newest StateEntered event of its history. */
async function currentState(target: Target, executionArn: string): Promise<string | null> {
  const history = await callAws('Step Functions GetExecutionHistory', () =>
    target.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 50,
        includeExecutionData: false,
      }),
    ),
  );
  const entered = (history.events ?? []).find((event) => event.stateEnteredEventDetails?.name);
  return entered?.stateEnteredEventDetails?.name ?? null;
}

/** The running rotation of each domain that has one: names narrow, the input settles. */
async function runningRotations(
  target: Target,
  domains: readonly string[],
): Promise<Map<string, { execution: string; currentState: string | null }>> {
  const byDomain = new Map<string, { execution: string; currentState: string | null }>();
  const running = await runningExecutions(target);
  if (running.length === 0) return byDomain;
  const limit = new ConcurrencyLimit(4);
  await Promise.all(
    running.map((execution) =>
      limit.run(async () => {
        const domain = domains.find((candidate) => isExecutionNameOf(execution.name, candidate));
        if (domain === undefined) return;
        const described = await describeRotation(target, execution.executionArn);
        if (described.domain !== domain || described.status !== 'RUNNING') return;
        byDomain.set(domain, {
          execution: described.name || execution.name,
          currentState: await currentState(target, execution.executionArn),
        });
      }),
    ),
  );
  return byDomain;
}

/** The key store's view of one domain: active key, expiry, open approval. */
async function keyStoreView(target: Target, domain: string, now: Date) {
  const deps = { s3: target.s3, bucket: target.bucket };
  const selectors = await listSelectors(deps, domain);
  const metadata = (
    await Promise.all(selectors.map((selector) => readMetadata(deps, domain, selector)))
  ).filter((entry): entry is KeyMetadata => entry !== undefined);
  const active = metadata
    .filter((entry) => entry.state === 'ACTIVE')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  let daysLeft: number | null = null;
  let expiresAt: string | null = null;
  if (active) {
    const certificate = await getObject(deps, keyPaths(domain, active.selector).certificate);
    if (certificate) {
      const parsed = parseDkimCertificate(certificate.body);
      daysLeft = daysUntilExpiry(parsed, now, target.config.timeZone);
      expiresAt = parsed.expiresAt.toISOString();
    }
  }
  let pendingApproval: FleetDomainStatus['pendingApproval'] = null;
  const pending = metadata.find((entry) => entry.state === 'PENDING' && entry.openApprovalId !== undefined);
  if (pending?.openApprovalId) {
    const approval = await readApproval(deps, pending.openApprovalId);
    if (approval?.record.status === 'OPEN') {
      pendingApproval = {
        approvalId: approval.record.approvalId,
        selector: pending.selector,
        deadline: approval.record.expiresAt,
      };
    }
  }
  return {
    activeSelector: active?.selector ?? null,
    keyAgeDays: active ? Math.floor((now.getTime() - Date.parse(active.createdAt)) / DAY_MS) : null,
    daysUntilExpiry: daysLeft,
    expiresAt,
    pendingApproval,
  };
}

/** The reasons a row needs an operator, in the order the text output lists them. */
export function attentionOf(
  settings: Pick<DomainConfig, 'renewalAlertDays'>,
  row: Omit<FleetDomainStatus, 'attention'>,
): string[] {
  const reasons: string[] = [];
  if (row.activeSelector === null) reasons.push('no active key recorded (import or rotate)');
  else if (row.daysUntilExpiry !== null && row.daysUntilExpiry <= settings.renewalAlertDays) {
    reasons.push(
      row.rotation === null
        ? `expires in ${row.daysUntilExpiry} days and no rotation runs`
        : `expires in ${row.daysUntilExpiry} days`,
    );
  }
  for (const ses of row.ses) {
    if (ses.verificationStatus === null) reasons.push(`no SES identity in ${ses.region}`);
    else if (ses.verificationStatus !== 'SUCCESS')
      reasons.push(`SES ${ses.verificationStatus} in ${ses.region}`);
    else if (ses.sendingEnabled === false) reasons.push(`SES sending disabled in ${ses.region}`);
  }
  if (row.pendingApproval !== null)
    reasons.push(`waiting for approval until ${row.pendingApproval.deadline}`);
  return reasons;
}

/** Reads where every configured domain stands, each service once for the fleet. */
export async function fleetStatus(target: Target, now: Date = new Date()): Promise<FleetStatus> {
  const domains = target.config.domains;
  const regions = [...new Set(domains.flatMap((domain) => domain.regions))];
  const counter = { requests: 0 };
  // Regions one after another: each has its own SES quota, but a fleet has few regions and the
  // pages are few; parallel regions would only complicate the throttle handling.
  const identities = new Map<string, Map<string, Omit<FleetSesEntry, 'region'>>>();
  for (const region of regions) identities.set(region, await listIdentities(target, region, counter));
  const running = await runningRotations(
    target,
    domains.map((domain) => domain.domain),
  );
  const limit = new ConcurrencyLimit(KEY_STORE_CONCURRENCY);
  const rows = await Promise.all(
    domains.map((settings) =>
      limit.run(async (): Promise<FleetDomainStatus> => {
        const keys = await keyStoreView(target, settings.domain, now);
        const row = {
          domain: settings.domain,
          rotationMode: settings.rotationMode,
          ...keys,
          ses: settings.regions.map((region) => ({
            region,
            verificationStatus: identities.get(region)?.get(settings.domain)?.verificationStatus ?? null,
            sendingEnabled: identities.get(region)?.get(settings.domain)?.sendingEnabled ?? null,
          })),
          rotation: running.get(settings.domain) ?? null,
        };
        return { ...row, attention: attentionOf(settings, row) };
      }),
    ),
  );
  return { domains: rows, sesRequests: counter.requests };
}
