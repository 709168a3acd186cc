/**
 * PublishDnsRecord (rotationMode AUTO): creates the new selector's TXT record in the domain's
 * Route 53 hosted zone — the record StoreDnsRequest wrote, byte for byte — and tells the DNS team,
 * once. It does not wait for Route 53's INSYNC: VerifyDnsRecord, next, asks every authoritative
 * name server directly, which is the check that matters (invariant 1) and the one a hosted zone
 * delegated elsewhere by mistake would fail.
 */
import { InvalidInputError } from '../../shared/errors';
import { plannedSwitchLine } from '../../shared/notifications/common-lines';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { route53ChangeNotification } from '../../shared/notifications/templates/route53-change';
import { readDnsRequest } from '../../shared/rotation/dns-request';
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import { createDkimTxtRecord, type Route53Deps } from '../../shared/rotation/route53-records';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { PublicationResult, RotationState } from '../../shared/rotation/state';

export interface PublishDnsRecordDeps extends BaseDeps, KeyStoreDeps, Route53Deps {
  readonly dnsTeam: NotifyDeps;
}

export async function publishDnsRecord(
  state: RotationState,
  deps: PublishDnsRecordDeps,
): Promise<PublicationResult> {
  const { domain, selector, language, hostedZoneId } = state.plan;
  if (state.plan.rotationMode !== 'AUTO' || hostedZoneId === undefined) {
    throw new InvalidInputError(
      `PublishDnsRecord runs only for rotationMode AUTO with a hostedZoneId; ${domain} is ${state.plan.rotationMode}.`,
    );
  }
  if (state.dnsRequest === undefined) {
    throw new InvalidInputError('PublishDnsRecord runs after StoreDnsRequest.');
  }
  const request = await readDnsRequest(deps, state.dnsRequest.dnsRequestKey);
  const change = await createDkimTxtRecord(
    deps,
    hostedZoneId,
    { recordName: request.recordName, value: request.value, ttl: request.ttl },
    `DKIM key ${selector} for ${domain} (${state.plan.executionName})`,
  );
  deps.logger.info('DKIM record published in Route 53', {
    domain,
    selector,
    hostedZoneId,
    recordName: request.recordName,
    changeId: change.changeId,
    alreadyPublished: change.unchanged,
  });

  // Told once: a redrive after the message went out finds publishedAt and stays quiet.
  const metadata = await readMetadata(deps, domain, selector);
  const now = deps.clock();
  if (metadata?.publishedAt === undefined) {
    await publish(
      deps.dnsTeam,
      domain,
      language,
      route53ChangeNotification({
        action: 'published',
        domain,
        selector,
        recordName: request.recordName,
        hostedZoneId,
        zoneFileLine: request.zoneFileLine,
        changeId: change.changeId,
        contacts: state.plan.opsContacts ?? [],
        plannedSwitch: plannedSwitchLine(state.plan.applyWindow, now),
      }),
    );
    await transitionKey(deps, domain, selector, 'PENDING', {
      at: now,
      reason: 'record published through Route 53',
      patch: { publishedAt: now.toISOString() },
    });
  }
  return {
    hostedZoneId,
    recordName: request.recordName,
    ...(change.changeId === undefined ? {} : { changeId: change.changeId }),
    alreadyPublished: change.unchanged,
    publishedAt: metadata?.publishedAt ?? now.toISOString(),
  };
}
