/**
 * ApplyToSes: makes SES sign with the new key in every configured region, one region after the
 * other. A region that already signs with the new selector is left alone (no second apply), so a
 * retry after throttling or a redrive after a crash is safe. Refuses to run without VerifyDnsRecord's
 * verdict in the state (defence in depth: the graph already guarantees the order).
 */
import { privateKeyFromPem } from '../../shared/dkim/keys';
import { toSesSigningPrivateKey } from '../../shared/dkim/ses-signing-key';
import { InvalidInputError } from '../../shared/errors';
import { readMetadata } from '../../shared/rotation/key-metadata';
import { getRequiredObject, type KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import {
  applyExternalKey,
  enableSigning,
  readSesSigning,
  type SesClientFor,
} from '../../shared/rotation/ses-signing';
import type { RegionApplied, RotationState, SesApplied } from '../../shared/rotation/state';

export interface ApplyToSesDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
}

export async function applyToSes(state: RotationState, deps: ApplyToSesDeps): Promise<SesApplied> {
  const { domain, selector, regions } = state.plan;
  if (state.dns?.endToEnd !== 'pass' || state.key === undefined) {
    throw new InvalidInputError(
      `Refusing to apply ${selector} to ${domain}: no successful VerifyDnsRecord in this execution.`,
    );
  }
  const metadata = await readMetadata(deps, domain, selector);
  if (metadata === undefined || (metadata.state !== 'PENDING' && metadata.state !== 'ACTIVE')) {
    throw new InvalidInputError(
      `Refusing to apply ${selector} to ${domain}: its key is ${metadata?.state ?? 'missing'}, not PENDING.`,
    );
  }
  const signingKey = toSesSigningPrivateKey(
    privateKeyFromPem((await getRequiredObject(deps, state.key.privateKeyKey, 'The private key')).body)
      .privateKey,
  );

  const applied: RegionApplied[] = [];
  for (const region of regions) {
    const current = await readSesSigning(deps.ses, region, domain);
    if (current.origin === 'EXTERNAL' && current.selector === selector) {
      if (!current.signingEnabled) await enableSigning(deps.ses, region, domain);
      applied.push({ region, action: 'ALREADY_APPLIED' });
      continue;
    }
    await applyExternalKey(deps.ses, region, domain, selector, signingKey);
    applied.push({ region, action: 'APPLIED' });
    deps.logger.info('Applied new key to SES', { domain, selector, region });
  }
  return { selector, appliedAt: deps.clock().toISOString(), regions: applied };
}
