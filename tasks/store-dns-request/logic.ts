/**
 * StoreDnsRequest: writes what the DNS team must publish (record name, value, zone-file line in
 * 255-octet strings, Route 53 change batch) to `dns-requests/<domain>/<selector>.json`, once, and
 * the same record as a zone-file snippet the team can paste, `dns-requests/<domain>/<selector>.zone`.
 */
import { parseDkimCertificate } from '../../shared/dkim/certificate';
import { InvalidInputError } from '../../shared/errors';
import {
  buildDnsRequest,
  dnsRequestZonePath,
  readDnsRequest,
  zoneFileSnippet,
} from '../../shared/rotation/dns-request';
import {
  dnsRequestPath,
  getRequiredObject,
  type KeyStoreDeps,
  keyPaths,
  putIfAbsent,
} from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { DnsRequestReference, RotationState } from '../../shared/rotation/state';

export type StoreDnsRequestDeps = BaseDeps & KeyStoreDeps;

export async function storeDnsRequest(
  state: RotationState,
  deps: StoreDnsRequestDeps,
): Promise<DnsRequestReference> {
  const { domain, selector } = state.plan;
  const certificate = parseDkimCertificate(
    (await getRequiredObject(deps, keyPaths(domain, selector).certificate, 'The certificate')).body,
  );
  const request = buildDnsRequest({
    domain,
    selector,
    publicKey: certificate.publicKey,
    requestedAt: deps.clock(),
  });
  const { recordName, value } = request;
  const key = dnsRequestPath(domain, selector);
  const outcome = await putIfAbsent(deps, key, `${JSON.stringify(request, null, 2)}\n`, 'application/json');
  if (outcome === 'exists') {
    const stored = await readDnsRequest(deps, key);
    if (stored.value !== value) {
      throw new InvalidInputError(
        `s3://${deps.bucket}/${key} asks for another key than ${selector}'s certificate: inspect both before going on.`,
      );
    }
  }
  const zoneKey = dnsRequestZonePath(domain, selector);
  await putIfAbsent(deps, zoneKey, zoneFileSnippet(request), 'text/dns; charset=us-ascii');
  deps.logger.info('DNS request stored', { domain, selector, recordName, reused: outcome === 'exists' });
  return { dnsRequestKey: key, recordName, zoneFileKey: zoneKey };
}
