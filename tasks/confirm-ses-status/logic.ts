/**
 * ConfirmSesStatus: SES must report SUCCESS for the new selector in every region. PENDING (or
 * NOT_STARTED) throws SesDkimPending, retried with the configured backoff; FAILED or
 * TEMPORARY_FAILURE throws SesDkimFailed and a region that no longer uses the selector throws
 * SesApplyFailed, both caught into RollbackSigning. On SUCCESS everywhere the new key becomes
 * ACTIVE and the previous external keys PREVIOUS.
 */
import { SesApplyFailedError, SesDkimFailedError, SesDkimPendingError } from '../../shared/errors';
import { type KeyStoreDeps, transitionKey } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { readSesSigning, type SesClientFor, type SesSigning } from '../../shared/rotation/ses-signing';
import type { RotationState, SesConfirmed } from '../../shared/rotation/state';

export interface ConfirmSesStatusDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
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

export async function confirmSesStatus(
  state: RotationState,
  deps: ConfirmSesStatusDeps,
): Promise<SesConfirmed> {
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
    case 'pending':
      throw new SesDkimPendingError(
        `SES is still verifying ${selector} for ${domain}: ${verdict.regions.join(', ')}.`,
      );
    case 'success':
      break;
  }
  const now = deps.clock();
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
  deps.logger.info('SES confirmed the new key', { domain, selector, regions });
  return {
    confirmedAt: now.toISOString(),
    regions: regions.map((region) => ({ region, status: 'SUCCESS' })),
  };
}
