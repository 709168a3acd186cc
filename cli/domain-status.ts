import { GetExecutionHistoryCommand, type GetExecutionHistoryCommandOutput } from '@aws-sdk/client-sfn';
import { daysUntilExpiry, parseDkimCertificate } from '../shared/dkim/certificate';
import { normaliseDomain } from '../shared/dkim/domain';
import { describeApplyWindow } from '../shared/rotation/apply-window';
import { readApproval } from '../shared/rotation/approvals';
import { type KeyMetadata, readMetadata } from '../shared/rotation/key-metadata';
import { getObject, keyPaths, listSelectors } from '../shared/rotation/key-store';
import { latestRotation, type RotationExecution } from '../shared/rotation/rotation-executions';
import { findRunningRotation } from '../shared/rotation/start-rotation';
import type { AddressNotChecked, DnsVerified, RotationState } from '../shared/rotation/state';
import { printable, sanitise } from '../shared/sanitise';
import { executionStop } from './execution-cause';
import { type NextStep, nextStep } from './next-step';
import { readSigningPatiently } from './ses-signing-read';
import type { Target } from './target';

/** Where one domain stands: what `byodkim status` prints (never key material or task tokens). */
export interface DomainStatus {
  readonly domain: string;
  /** Who publishes the records: the DNS team (MANUAL) or the workflow through Route 53 (AUTO). */
  readonly rotationMode: 'MANUAL' | 'AUTO' | null;
  readonly hostedZoneId: string | null;
  readonly activeSelector: string | null;
  readonly keyAgeDays: number | null;
  readonly daysUntilExpiry: number | null;
  readonly expiresAt: string | null;
  readonly ses: ReadonlyArray<{
    region: string;
    origin: string | null;
    selector: string | null;
    status: string | null;
    signingEnabled: boolean | null;
    error?: string;
  }>;
  readonly rotation: { readonly execution: string; readonly currentState: string | null } | null;
  readonly pendingApproval: {
    readonly approvalId: string;
    readonly selector: string;
    readonly deadline: string;
  } | null;
  /**
   * The name server addresses the DNS verification of the running (else the last) rotation did
   * not ask, with the reason, read from VerifyDnsRecord's output in its execution history; null
   * when no rotation got that far. Empty when every address was asked (or the execution predates
   * the field).
   */
  readonly dnsNotChecked: {
    readonly execution: string;
    readonly addresses: readonly AddressNotChecked[];
  } | null;
  /** The configured apply window (`02:00–04:00 Asia/Tokyo`); null: SES is switched once verified. */
  readonly applyWindow: string | null;
  /**
   * When the running rotation switches (switched) SES: VerifyDnsRecord's planned `applyAt`, and
   * whether it is waiting for the apply window now (WaitForApplyWindow). Null when no running
   * rotation has verified its record yet.
   */
  readonly plannedSwitch: {
    readonly execution: string;
    readonly applyAt: string;
    readonly waitingForWindow: boolean;
  } | null;
  /**
   * Why the latest rotation failed, read from its execution history: `<state> (<error>): <cause>`,
   * sanitised (shared/rotation/failure-cause.ts). Null when it did not fail (or none ran).
   */
  readonly cause: string | null;
  /** What to do next (./next-step.ts): approve, wait-for-dns, wait, fix-and-redrive, start-anew… */
  readonly nextStep: NextStep;
}

/** The cause and next step of the running, else the latest, rotation. */
async function causeAndNextStep(
  target: Target,
  domain: string,
  rotation:
    | (Pick<RotationExecution, 'executionArn' | 'name'> &
        Partial<Pick<RotationExecution, 'status' | 'redriveStatus' | 'stopDate'>>)
    | undefined,
  running: boolean,
  currentStateName: string | null,
  facts: { pendingApprovalId: string | null; signingDisabledIn: string[]; now: Date },
): Promise<Pick<DomainStatus, 'cause' | 'nextStep'>> {
  const status = running ? 'RUNNING' : (rotation?.status ?? 'UNKNOWN');
  const ended = rotation !== undefined && !running && status !== 'SUCCEEDED';
  const stop = ended ? await executionStop(target.sfn, rotation.executionArn) : undefined;
  const step = nextStep({
    domain,
    ...facts,
    ...(rotation
      ? {
          rotation: {
            name: printable(rotation.name, 100),
            status,
            state: running ? currentStateName : (stop?.cause?.state ?? stop?.lastState ?? null),
            ...(stop?.cause?.failState ? { failState: stop.cause.failState } : {}),
            ...(rotation.redriveStatus ? { redriveStatus: rotation.redriveStatus } : {}),
            ...(rotation.stopDate ? { stopDate: rotation.stopDate } : {}),
          },
        }
      : {}),
  });
  return { cause: stop?.cause?.text ?? null, nextStep: step };
}

const DAY_MS = 86_400_000;

async function allMetadata(target: Target, domain: string): Promise<KeyMetadata[]> {
  const deps = { s3: target.s3, bucket: target.bucket };
  const selectors = await listSelectors(deps, domain);
  const metadata = await Promise.all(selectors.map((selector) => readMetadata(deps, domain, selector)));
  return metadata.filter((entry): entry is KeyMetadata => entry !== undefined);
}

async function currentState(target: Target, executionArn: string): Promise<string | null> {
  const history = await target.sfn.send(
    new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }),
  );
  const entered = (history.events ?? []).find((event) => event.stateEnteredEventDetails?.name);
  return entered?.stateEnteredEventDetails?.name ?? null;
}

/** VerifyDnsRecord's last output in the execution's history, or undefined when it never ran. */
async function lastVerificationIn(
  target: Target,
  executionArn: string,
): Promise<Partial<DnsVerified> | undefined> {
  let nextToken: string | undefined;
  do {
    const page: GetExecutionHistoryCommandOutput = await target.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, nextToken }),
    );
    for (const event of page.events ?? []) {
      const exited = event.stateExitedEventDetails;
      if (exited?.name !== 'VerifyDnsRecord' || exited.output === undefined) continue;
      try {
        return (JSON.parse(exited.output) as Partial<RotationState>).dns ?? {};
      } catch {
        // A truncated output (over 256 KB) says nothing we can use.
        return {};
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** The addresses VerifyDnsRecord did not ask: names escaped, reasons sanitised (they came from DNS). */
function notCheckedOf(verified: Partial<DnsVerified>): AddressNotChecked[] {
  return (verified.notChecked ?? []).map((entry) => ({
    nameServer: printable(String(entry.nameServer), 255),
    address: printable(String(entry.address), 64),
    reason: sanitise(String(entry.reason), 200),
  }));
}

/** An RFC 3339 instant from the execution's state, re-written (never echoed as found), or null. */
function instantOf(value: unknown): string | null {
  const at = typeof value === 'string' ? new Date(value) : undefined;
  return at === undefined || Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** The running rotation's planned switch, from its last verification, or null. */
function plannedSwitchOf(
  running: { readonly name: string } | undefined,
  currentStateName: string | null,
  verification: { readonly execution: string; readonly verified: Partial<DnsVerified> } | undefined,
): DomainStatus['plannedSwitch'] {
  if (running === undefined || verification?.execution !== running.name) return null;
  const applyAt = instantOf(verification.verified.applyAt);
  if (applyAt === null) return null;
  return {
    execution: running.name,
    applyAt,
    waitingForWindow: currentStateName === 'WaitForApplyWindow',
  };
}

/** Reads the key store, SES in every region and Step Functions for one domain. */
export async function domainStatus(
  target: Target,
  domainInput: string,
  now: Date = new Date(),
): Promise<DomainStatus> {
  const domain = normaliseDomain(domainInput);
  const settings = target.config.domains.find((candidate) => candidate.domain === domain);
  const deps = { s3: target.s3, bucket: target.bucket };
  const metadata = await allMetadata(target, domain);
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
  const ses = await Promise.all(
    (settings?.regions ?? ['ap-northeast-1']).map(async (region) => {
      try {
        const signing = await readSigningPatiently(target, region, domain);
        return {
          region,
          origin: signing.origin,
          selector: signing.selector ?? null,
          status: signing.status ?? null,
          signingEnabled: signing.signingEnabled ?? null,
        };
      } catch (error) {
        return {
          region,
          origin: null,
          selector: null,
          status: null,
          signingEnabled: null,
          // An SDK error's name only (its message stays in the operator's --debug output).
          error: sanitise(String((error as Error).name), 100),
        };
      }
    }),
  );
  const running = await findRunningRotation(
    { sfn: target.sfn, stateMachineArn: target.stateMachineArn },
    domain,
  );
  const currentStateName = running ? await currentState(target, running.executionArn) : null;
  // The running rotation, else the newest of any status (found by the same rule as `history`).
  const rotation = running ?? (await latestRotation(target, domain));
  const verified = rotation ? await lastVerificationIn(target, rotation.executionArn) : undefined;
  const verification = rotation && verified ? { execution: rotation.name, verified } : undefined;
  const pending = metadata.find((entry) => entry.state === 'PENDING' && entry.openApprovalId !== undefined);
  let pendingApproval: DomainStatus['pendingApproval'] = null;
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
  const explained = await causeAndNextStep(
    target,
    domain,
    rotation,
    running !== undefined,
    currentStateName,
    {
      pendingApprovalId: pendingApproval?.approvalId ?? null,
      signingDisabledIn: ses.filter((entry) => entry.signingEnabled === false).map((entry) => entry.region),
      now,
    },
  );
  return {
    domain,
    rotationMode: settings?.rotationMode ?? null,
    hostedZoneId: settings?.rotationMode === 'AUTO' ? (settings.hostedZoneId ?? null) : null,
    activeSelector: active?.selector ?? null,
    keyAgeDays: active ? Math.floor((now.getTime() - Date.parse(active.createdAt)) / DAY_MS) : null,
    daysUntilExpiry: daysLeft,
    expiresAt,
    ses,
    rotation: running ? { execution: running.name, currentState: currentStateName } : null,
    pendingApproval,
    dnsNotChecked: verification
      ? { execution: verification.execution, addresses: notCheckedOf(verification.verified) }
      : null,
    applyWindow: settings?.applyWindow
      ? describeApplyWindow({ ...settings.applyWindow, timeZone: target.config.timeZone })
      : null,
    plannedSwitch: plannedSwitchOf(running, currentStateName, verification),
    ...explained,
  };
}
