/**
 * Approval links: an opaque random id plus an HMAC over the signing key's version, the id and
 * the expiry, and the CSRF token of the page's form.
 *
 * The task token stays server-side in `approvals/<id>.json` (./approvals.ts); the link carries only
 * the id, the expiry, the key version (`kv`, Secrets Manager's VersionId, not secret) and the
 * signature, so a forwarded, scanned or logged link reveals nothing that resumes the workflow by
 * itself. A GET only shows the page; a POST with the page's CSRF token acts, once. The keys are in
 * ./approval-keys.ts; the page and templates in tasks/approval-endpoint.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../dkim/secret';
import { type ApprovalKey, type ApprovalKeys, keyByVersion } from './approval-keys';

/**
 * A new opaque approval id: 128 random bits as 32 lower-case hex digits. Not base64url: one id in 64
 * would begin with "-", which `byodkim approve <id>` reads as an option, and "-" also breaks
 * double-click selection in terminals and mail clients.
 */
export function newApprovalId(): string {
  return randomBytes(16).toString('hex');
}

/** What a MAC covers. `kv` is absent only for links minted before key versions (legacy). */
function hmac(
  secret: Secret,
  purpose: 'link' | 'csrf',
  kv: string | undefined,
  approvalId: string,
  expiresEpoch: number,
): string {
  const fields =
    kv === undefined ? [purpose, approvalId, expiresEpoch] : [purpose, kv, approvalId, expiresEpoch];
  return createHmac('sha256', secret.reveal()).update(fields.join('\n')).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signature carried by a link signed with `key` (its version is part of what is signed). */
export function signApprovalLink(key: ApprovalKey, approvalId: string, expiresEpoch: number): string {
  return hmac(key.secret, 'link', key.version, approvalId, expiresEpoch);
}

/** The signing key of a checked link, and whether the link predates key versions. */
export interface LinkKey {
  readonly key: ApprovalKey;
  /** True for a link without `kv` (minted before key versions): its MACs leave the version out. */
  readonly legacy: boolean;
}

/** The CSRF token embedded in the page's form (bound to the same key, id and expiry as the link). */
export function csrfToken(linkKey: LinkKey, approvalId: string, expiresEpoch: number): string {
  return hmac(
    linkKey.key.secret,
    'csrf',
    linkKey.legacy ? undefined : linkKey.key.version,
    approvalId,
    expiresEpoch,
  );
}

/** The approval URL: `<base>/approvals/<id>?exp=<epoch seconds>&kv=<key version>&sig=<hmac>`. */
export function approvalUrl(baseUrl: string, key: ApprovalKey, approvalId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/approvals/${encodeURIComponent(approvalId)}?exp=${exp}&kv=${encodeURIComponent(key.version)}&sig=${signApprovalLink(key, approvalId, exp)}`;
}

/** The parameters a link (GET query) or the page's form (POST) carries. */
export interface LinkParameters {
  readonly exp: string | undefined;
  readonly kv: string | undefined;
  readonly sig: string | undefined;
}

/** Outcome of checking a link's parameters. */
export type LinkCheck =
  | { readonly ok: true; readonly expiresEpoch: number; readonly linkKey: LinkKey }
  | { readonly ok: false; readonly reason: 'forged' | 'expired' };

const KEY_VERSION = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Checks the signature first (a forged link learns nothing), then the expiry against `now`.
 * A link naming a key version is checked with that version only, when it is AWSCURRENT or
 * AWSPREVIOUS; a retired version is "forged". A link without `kv` was minted before key versions:
 * it is checked with the legacy MAC against AWSCURRENT, then AWSPREVIOUS, and dies at its own
 * signed expiry like any other.
 */
export function checkApprovalLink(
  keys: ApprovalKeys,
  approvalId: string,
  link: LinkParameters,
  now: Date,
): LinkCheck {
  const { exp, kv, sig } = link;
  if (exp === undefined || sig === undefined || !/^\d{1,12}$/.test(exp))
    return { ok: false, reason: 'forged' };
  const expiresEpoch = Number(exp);
  let linkKey: LinkKey | undefined;
  if (kv === undefined) {
    const legacy = [keys.current, keys.previous].find(
      (key) =>
        key !== undefined && sameText(sig, hmac(key.secret, 'link', undefined, approvalId, expiresEpoch)),
    );
    linkKey = legacy === undefined ? undefined : { key: legacy, legacy: true };
  } else {
    const key = KEY_VERSION.test(kv) ? keyByVersion(keys, kv) : undefined;
    if (key !== undefined && sameText(sig, signApprovalLink(key, approvalId, expiresEpoch)))
      linkKey = { key, legacy: false };
  }
  if (linkKey === undefined) return { ok: false, reason: 'forged' };
  if (now.getTime() >= expiresEpoch * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, expiresEpoch, linkKey };
}

/** True when `token` is the CSRF token of this link. */
export function checkCsrfToken(
  linkKey: LinkKey,
  approvalId: string,
  expiresEpoch: number,
  token: string | undefined,
): boolean {
  return token !== undefined && sameText(token, csrfToken(linkKey, approvalId, expiresEpoch));
}
