/**
 * ConfirmSesStatus: one poll of SES for the new selector in every region. The state machine loops
 * (ConfirmSesStatus → SesConfirmed → WaitForSesStatus → ConfirmSesStatus) while the result says
 * `pending`, waiting `nextPollSeconds` — seconds at first, then backing off — so the time SES took
 * is measured to within seconds, per region, from ApplyToSes's `appliedAt`. FAILED or
 * TEMPORARY_FAILURE throws SesDkimFailed, a region that no longer uses the selector throws
 * SesApplyFailed, and PENDING past `sesConfirmation.maxWaitHours` throws SesDkimPending: all three
 * are caught into RollbackSigning. On SUCCESS everywhere the new key becomes ACTIVE and the
 * previous external keys PREVIOUS.
 */
import { SesApplyFailedError, SesDkimFailedError, SesDkimPendingError } from '../../shared/errors';
import { transitionKey } from '../../shared/rotation/key-metadata';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import { nextPollSeconds, pollingExhausted } from '../../shared/rotation/poll-schedule';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { readSesSigning, type SesClientFor, type SesSigning } from '../../shared/rotation/ses-signing';
import type { RegionConfirmation, RotationState, SesConfirmation } from '../../shared/rotation/state';

export interface ConfirmSesStatusDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
  /** Uniform in [0, 1): the jitter of the next pause (Math.random in Lambda). */
  readonly random: () => number;
}

/** The verdict over every region, kept pure (cert-manager's "is it ready yet" evaluator). */
export type SesVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'pending'; readonly regions: readonly string[] }
  | { readonly kind: 'failed'; readonly regions: readonly string[] }
  | { readonly kind: 'drifted'; readonly regions: readonly string[] };

export function evaluateSesStatus(signings: readonly SesSigning[], selector: string): SesVerdict {
  const drifted = signings.filter(
    (s) => s.origin !== 'EXTERNAL' || s.selector !== selector || !s.signingEnabled,
  );
  if (drifted.length > 0) return { kind: 'drifted', regions: drifted.map((s) => s.region) };
  const failed = signings.filter((s) => s.status === 'FAILED' || s.status === 'TEMPORARY_FAILURE');
  if (failed.length > 0) return { kind: 'failed', regions: failed.map((s) => `${s.region} (${s.status})`) };
  const pending = signings.filter((s) => s.status !== 'SUCCESS');
  if (pending.length > 0)
    return { kind: 'pending', regions: pending.map((s) => `${s.region} (${s.status})`) };
  return { kind: 'success' };
}

const secondsBetween = (from: Date, to: Date) =>
  Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * Each region's progress after this poll (pure): the first poll that sees SUCCESS fixes
 * `confirmedAt` and `secondsAfterApply`; until then every poll moves `pendingSecondsAfterApply`
 * up, so SES took between the two.
 */
export function regionProgress(
  signings: readonly SesSigning[],
  earlier: readonly RegionConfirmation[],
  appliedAt: Date,
  now: Date,
): RegionConfirmation[] {
  return signings.map((signing) => {
    const before = earlier.find((entry) => entry.region === signing.region);
    if (before?.confirmedAt !== undefined) return { ...before, status: signing.status };
    const seconds = secondsBetween(appliedAt, now);
    if (signing.status === 'SUCCESS') {
      return {
        region: signing.region,
        status: signing.status,
        confirmedAt: now.toISOString(),
        secondsAfterApply: seconds,
        ...(before?.pendingSecondsAfterApply === undefined
          ? {}
          : { pendingSecondsAfterApply: before.pendingSecondsAfterApply }),
      };
    }
    return { region: signing.region, status: signing.status, pendingSecondsAfterApply: seconds };
  });
}

export async function confirmSesStatus(
  state: RotationState,
  deps: ConfirmSesStatusDeps,
): Promise<SesConfirmation> {
  const { domain, selector, regions } = state.plan;
  const signings: SesSigning[] = [];
  for (const region of regions) signings.push(await readSesSigning(deps.ses, region, domain));
  const verdict = evaluateSesStatus(signings, selector);
  switch (verdict.kind) {
    case 'drifted':
      throw new SesApplyFailedError(
        `SES no longer signs ${domain} with ${selector} in ${verdict.regions.join(', ')}: someone changed it; rolling back.`,
      );
    case 'failed':
      throw new SesDkimFailedError(
        `SES could not verify ${selector} for ${domain} in ${verdict.regions.join(', ')}: rolling back to the previous key.`,
      );
    default:
      break;
  }

  const now = deps.clock();
  // `$.confirmation` is this task's own output of the previous poll (absent at the first one).
  const earlier = state.confirmation?.polls === undefined ? undefined : state.confirmation;
  const polls = (earlier?.polls ?? 0) + 1;
  const firstPollAt = earlier?.firstPollAt ?? now.toISOString();
  const appliedAt = new Date(state.ses?.appliedAt ?? firstPollAt);
  const progress = regionProgress(signings, earlier?.regions ?? [], appliedAt, now);

  if (verdict.kind === 'pending') {
    const settings = state.plan.sesConfirmation;
    // A plan without the schedule was made by an execution started before the polling loop
    // existed: its definition still polls with a Retry on SesDkimPending, so throw as it expects.
    if (settings === undefined) {
      throw new SesDkimPendingError(
        `SES is still verifying ${selector} for ${domain}: ${verdict.regions.join(', ')}.`,
      );
    }
    const exhausted = pollingExhausted(settings, polls, appliedAt, now);
    if (exhausted !== undefined) {
      throw new SesDkimPendingError(
        `SES is ${exhausted} verifying ${selector} for ${domain} in ${verdict.regions.join(', ')} (sesConfirmation.maxWaitHours): rolling back to the previous key.`,
      );
    }
    const wait = nextPollSeconds(settings, polls, deps.random);
    deps.logger.info('SES still verifying the new key', {
      domain,
      selector,
      pending: verdict.regions,
      polls,
      nextPollSeconds: wait,
    });
    return { pending: true, nextPollSeconds: wait, polls, firstPollAt, regions: progress };
  }

  await transitionKey(deps, domain, selector, 'ACTIVE', {
    at: now,
    reason: 'SES reports SUCCESS in every region',
  });
  const oldSelectors = new Set(
    state.previous.flatMap((p) => (p.origin === 'EXTERNAL' && p.selector !== selector ? [p.selector] : [])),
  );
  for (const old of oldSelectors) {
    await transitionKey(deps, domain, old, 'PREVIOUS', {
      at: now,
      reason: `replaced by ${selector}`,
      createIfMissing: true,
    });
  }
  deps.logger.info('SES confirmed the new key', {
    domain,
    selector,
    polls,
    regions: progress.map(({ region, secondsAfterApply }) => ({ region, secondsAfterApply })),
  });
  return { pending: false, polls, firstPollAt, confirmedAt: now.toISOString(), regions: progress };
}
