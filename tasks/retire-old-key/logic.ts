/**
 * RetireOldKey: after SES reported SUCCESS everywhere and the retention wait passed, asks the DNS
 * team (once) to revoke (`p=`) or remove the old selector's record — in rotationMode AUTO deletes it
 * from the Route 53 hosted zone itself and tells the team — verifies on every
 * authoritative name server that the old key is no longer served (retried with the DNS backoff),
 * and marks the key RETIRED. It never touches a selector SES still uses in any region.
 */

import type { KeyObject } from 'node:crypto';
import { parseDkimCertificate } from '../../shared/dkim/certificate';
import { dkimRecordName } from '../../shared/dkim/selector';
import { parseDkimKeyRecord, publicKeyBase64 } from '../../shared/dkim/txt-record';
import type { DnsCheckOptions } from '../../shared/dns/types';
import type { DnsVerifier } from '../../shared/dns/verifier';
import { InvalidInputError, SesApplyFailedError } from '../../shared/errors';
import type { Notification } from '../../shared/notifications/model';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { retirementNotification } from '../../shared/notifications/templates/retirement';
import { route53ChangeNotification } from '../../shared/notifications/templates/route53-change';
import { DNS_RECORD_TTL } from '../../shared/rotation/dns-request';
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import { getRequiredObject, type KeyStoreDeps, keyPaths } from '../../shared/rotation/key-store';
import { deleteDkimTxtRecord, type Route53Deps } from '../../shared/rotation/route53-records';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { readSesSigning, type SesClientFor } from '../../shared/rotation/ses-signing';
import type { RetirementResult, RotationState } from '../../shared/rotation/state';

export interface RetireOldKeyDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
  readonly dnsTeam: NotifyDeps;
  readonly dns: Pick<DnsVerifier, 'verifyDkimRecord' | 'assertDnsVerified'>;
  readonly dnsOptions?: DnsCheckOptions;
  /** AUTO: the client that deletes the old record (the stack gives it DELETE on TXT under _domainkey only). */
  readonly route53?: Route53Deps['route53'];
}

export async function retireOldKey(state: RotationState, deps: RetireOldKeyDeps): Promise<RetirementResult> {
  const { domain, selector, regions, language } = state.plan;
  const oldSelectors = [
    ...new Set(
      state.previous.flatMap((p) => (p.origin === 'EXTERNAL' && p.selector !== selector ? [p.selector] : [])),
    ),
  ];
  const skipped: { selector?: string; reason: string }[] = [];
  if (oldSelectors.length === 0) {
    skipped.push({ reason: 'The previous signing was Easy DKIM: no record of ours to retire.' });
  }

  // Invariant 3: never retire the record of a selector SES uses.
  const inUse = new Set<string>();
  for (const region of regions) {
    const signing = await readSesSigning(deps.ses, region, domain);
    if (signing.selector !== undefined) inUse.add(signing.selector);
  }

  const retired: string[] = [];
  for (const old of oldSelectors) {
    if (inUse.has(old)) {
      throw new SesApplyFailedError(
        `Refusing to retire ${old} of ${domain}: SES still signs with it in some region. Check SES before retrying.`,
      );
    }
    const metadata = await readMetadata(deps, domain, old);
    if (metadata?.state === 'RETIRED') {
      skipped.push({ selector: old, reason: 'already RETIRED' });
      continue;
    }
    // The certificate holds the public key: retiring a key never reads private key material.
    const { publicKey } = parseDkimCertificate(
      (await getRequiredObject(deps, keyPaths(domain, old).certificate, 'The old key certificate')).body,
    );
    const now = deps.clock();
    if (metadata?.retirementRequestedAt === undefined) {
      await publish(deps.dnsTeam, domain, language, await askOrRemove(state, old, publicKey, deps));
      await transitionKey(deps, domain, old, 'PREVIOUS', {
        at: now,
        reason: 'retirement requested',
        createIfMissing: true,
        patch: { retirementRequestedAt: now.toISOString() },
      });
    }
    const verification = await deps.dns.verifyDkimRecord(
      { domain, selector: old, publicKey, expect: 'retired' },
      deps.dnsOptions,
    );
    deps.logger.info('Retirement check', { domain, selector: old, verified: verification.verified });
    deps.dns.assertDnsVerified(verification);
    await transitionKey(deps, domain, old, 'RETIRED', {
      at: deps.clock(),
      reason: 'record no longer served',
    });
    retired.push(old);
  }
  return { retiredSelectors: retired, skipped, retiredAt: deps.clock().toISOString() };
}

/**
 * MANUAL: the request to revoke or remove the old record. AUTO: deletes the old record from the
 * hosted zone — only when it holds the old key's own value or its revocation, with the exact
 * current values; already gone is fine — and returns the notice saying what happened.
 */
async function askOrRemove(
  state: RotationState,
  oldSelector: string,
  oldPublicKey: KeyObject,
  deps: RetireOldKeyDeps,
): Promise<Notification> {
  const { domain, selector, hostedZoneId, rotationMode } = state.plan;
  const contacts = state.plan.opsContacts ?? [];
  if (rotationMode !== 'AUTO' || hostedZoneId === undefined) {
    return retirementNotification({
      domain,
      selector,
      oldSelector,
      ttl: DNS_RECORD_TTL,
      notChecked: state.dns?.notChecked,
      contacts,
    });
  }
  if (deps.route53 === undefined) {
    throw new InvalidInputError('RetireOldKey needs a Route 53 client for rotationMode AUTO.');
  }
  const recordName = dkimRecordName(oldSelector, domain);
  const oldKey = publicKeyBase64(oldPublicKey);
  const change = await deleteDkimTxtRecord(
    { route53: deps.route53 },
    hostedZoneId,
    recordName,
    (value) => isOldKeyOrRevocation(value, oldKey),
    `Retire old DKIM key ${oldSelector} of ${domain} (${state.plan.executionName})`,
  );
  deps.logger.info(
    change.unchanged
      ? 'Old DKIM record already absent from Route 53'
      : 'Old DKIM record deleted from Route 53',
    {
      domain,
      selector: oldSelector,
      hostedZoneId,
      changeId: change.changeId,
      alreadyAbsent: change.unchanged,
    },
  );
  return route53ChangeNotification({
    action: 'removed',
    domain,
    selector,
    recordName,
    hostedZoneId,
    changeId: change.changeId,
    alreadyAbsent: change.unchanged,
    notChecked: state.dns?.notChecked,
    contacts,
  });
}

/**
 * A DKIM record of the old key, however it was written (tag order, spacing, extra tags: the first
 * record may predate this product), or its revocation `p=` (RFC 6376 §3.6.1), which the DNS team
 * may have set by hand. Anything else is not ours to delete.
 */
function isOldKeyOrRevocation(value: string, oldKeyBase64: string): boolean {
  try {
    const record = parseDkimKeyRecord(value);
    return record.publicKey === '' || (record.keyType === 'rsa' && record.publicKey === oldKeyBase64);
  } catch {
    return false;
  }
}
