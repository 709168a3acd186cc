/**
 * RollbackSigning: restores, in every region, the signing configuration PrepareRotation recorded
 * (the previous external key, whose record is still published, or Easy DKIM) — never "disable
 * DKIM". Regions already restored are left alone, so a retry is safe. Every region is attempted
 * even when one fails; any permanent failure ends as RollbackFailed, which pages the operators.
 * Transient AWS errors are rethrown as such and retried by the workflow.
 */
import { privateKeyFromPem } from '../../shared/dkim/keys';
import { toSesSigningPrivateKey } from '../../shared/dkim/ses-signing-key';
import { RollbackFailedError, stableReason } from '../../shared/errors';
import { isTransientAwsError } from '../../shared/rotation/aws-errors';
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import { getRequiredObject, type KeyStoreDeps, keyPaths } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import {
  applyEasyDkim,
  applyExternalKey,
  enableSigning,
  isEasyDkim,
  readSesSigning,
  type SesClientFor,
} from '../../shared/rotation/ses-signing';
import type { PreviousSigning, RollbackResult, RotationState } from '../../shared/rotation/state';

export interface RollbackSigningDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
}

type RegionRollback = RollbackResult['regions'][number];

async function restoreRegion(
  state: RotationState,
  previous: PreviousSigning,
  deps: RollbackSigningDeps,
): Promise<RegionRollback> {
  const { domain } = state.plan;
  const { region } = previous;
  const current = await readSesSigning(deps.ses, region, domain);
  if (previous.origin === 'EXTERNAL') {
    if (current.origin === 'EXTERNAL' && current.selector === previous.selector) {
      if (!current.signingEnabled) await enableSigning(deps.ses, region, domain);
      return { region, restored: 'EXTERNAL', selector: previous.selector, action: 'ALREADY_RESTORED' };
    }
    const pem = (
      await getRequiredObject(deps, keyPaths(domain, previous.selector).privateKey, 'The previous key')
    ).body;
    await applyExternalKey(
      deps.ses,
      region,
      domain,
      previous.selector,
      toSesSigningPrivateKey(privateKeyFromPem(pem).privateKey),
    );
    return { region, restored: 'EXTERNAL', selector: previous.selector, action: 'RESTORED' };
  }
  if (isEasyDkim(current.origin)) {
    if (!current.signingEnabled) await enableSigning(deps.ses, region, domain);
    return { region, restored: 'AWS_SES', action: 'ALREADY_RESTORED' };
  }
  await applyEasyDkim(deps.ses, region, domain, previous.originValue);
  return { region, restored: 'AWS_SES', action: 'RESTORED' };
}

export async function rollbackSigning(
  state: RotationState,
  deps: RollbackSigningDeps,
): Promise<RollbackResult> {
  const { domain, selector } = state.plan;
  const results: RegionRollback[] = [];
  const failures: string[] = [];
  let transient: unknown;
  for (const previous of state.previous) {
    try {
      results.push(await restoreRegion(state, previous, deps));
    } catch (error) {
      if (isTransientAwsError(error)) transient ??= error;
      else failures.push(`${previous.region}: ${stableReason(error)}`);
    }
  }
  if (failures.length > 0) {
    throw new RollbackFailedError(
      `Could not restore the previous DKIM signing of ${domain} in ${failures.join('; ')}. Restore it by hand now (runbook: "Restoring SES signing by hand"); a redrive would fail the same way, so start a new rotation (byodkim start) once the cause is fixed.`,
    );
  }
  if (transient !== undefined) throw transient;

  const now = deps.clock();
  const reason = `rolled back after ${state.failure?.Error ?? 'a failure'}`;
  if ((await readMetadata(deps, domain, selector)) !== undefined) {
    await transitionKey(deps, domain, selector, 'ABANDONED', { at: now, reason });
  }
  for (const old of new Set(state.previous.flatMap((p) => (p.origin === 'EXTERNAL' ? [p.selector] : [])))) {
    await transitionKey(deps, domain, old, 'ACTIVE', {
      at: now,
      reason: 'restored by rollback',
      createIfMissing: true,
    });
  }
  deps.logger.warn('Signing rolled back', { domain, selector, regions: results });
  return { rolledBackAt: now.toISOString(), regions: results };
}
