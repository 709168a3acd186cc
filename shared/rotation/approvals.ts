/**
 * Approval links: an opaque random id plus an HMAC over the id and the expiry.
 *
 * The task token stays server-side in `approvals/<id>.json`; the link carries only the id, the
 * expiry and the signature, so a forwarded, scanned or logged link reveals nothing that resumes
 * the workflow by itself. A GET only shows the page; a POST with the page's CSRF token acts, once.
 * Issue 7 owns the page and templates; this module owns the contract both sides rely on.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../dkim/secret';
import { approvalPath, getObject, type KeyStoreDeps, putIfAbsent, putIfMatch } from './key-store';

/** Where an approval stands. */
export type ApprovalStatus = 'OPEN' | 'APPROVED' | 'REJECTED' | 'SUPERSEDED' | 'EXPIRED';

/** `approvals/<id>.json`. Holds the task token: never returned to a caller or logged. */
export interface ApprovalRecord {
  readonly schemaVersion: 1;
  readonly approvalId: string;
  readonly taskToken: string;
  readonly domain: string;
  readonly selector: string;
  readonly recordName: string;
  readonly fingerprint: string;
  readonly executionName: string;
  readonly reminderNumber: number;
  /** Reminders allowed before the rotation is abandoned (shown on the page). */
  readonly maxReminders?: number;
  /** The operators' addresses, shown on the page as who to call. */
  readonly operatorContacts?: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedAt?: string;
}

/**
 * A new opaque approval id: 128 random bits as 32 lower-case hex digits. Not base64url: one id in 64
 * would begin with "-", which `byodkim approve <id>` reads as an option, and "-" also breaks
 * double-click selection in terminals and mail clients.
 */
export function newApprovalId(): string {
  return randomBytes(16).toString('hex');
}

function hmac(secret: Secret, purpose: string, approvalId: string, expiresEpoch: number): string {
  return createHmac('sha256', secret.reveal())
    .update(`${purpose}\n${approvalId}\n${expiresEpoch}`)
    .digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signature carried by the link. */
export function signApprovalLink(secret: Secret, approvalId: string, expiresEpoch: number): string {
  return hmac(secret, 'link', approvalId, expiresEpoch);
}

/** The CSRF token embedded in the page's form (bound to the same id and expiry). */
export function csrfToken(secret: Secret, approvalId: string, expiresEpoch: number): string {
  return hmac(secret, 'csrf', approvalId, expiresEpoch);
}

/** The approval URL: `<base>/approvals/<id>?exp=<epoch seconds>&sig=<hmac>`. */
export function approvalUrl(baseUrl: string, secret: Secret, approvalId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/approvals/${encodeURIComponent(approvalId)}?exp=${exp}&sig=${signApprovalLink(secret, approvalId, exp)}`;
}

/** Outcome of checking a link's parameters. */
export type LinkCheck =
  | { readonly ok: true; readonly expiresEpoch: number }
  | { readonly ok: false; readonly reason: 'forged' | 'expired' };

/** Checks signature first (a forged link learns nothing), then expiry against `now`. */
export function checkApprovalLink(
  secret: Secret,
  approvalId: string,
  exp: string | undefined,
  sig: string | undefined,
  now: Date,
): LinkCheck {
  if (exp === undefined || sig === undefined || !/^\d{1,12}$/.test(exp))
    return { ok: false, reason: 'forged' };
  const expiresEpoch = Number(exp);
  if (!sameText(sig, signApprovalLink(secret, approvalId, expiresEpoch)))
    return { ok: false, reason: 'forged' };
  if (now.getTime() >= expiresEpoch * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, expiresEpoch };
}

/** True when `token` is the CSRF token of this link. */
export function checkCsrfToken(
  secret: Secret,
  approvalId: string,
  expiresEpoch: number,
  token: string | undefined,
): boolean {
  return token !== undefined && sameText(token, csrfToken(secret, approvalId, expiresEpoch));
}

/** Stores a new approval record (create-only). */
export async function createApproval(deps: KeyStoreDeps, record: ApprovalRecord): Promise<void> {
  const outcome = await putIfAbsent(
    deps,
    approvalPath(record.approvalId),
    `${JSON.stringify(record, null, 2)}\n`,
    'application/json',
  );
  if (outcome === 'exists') throw new Error('Approval id collision; retrying mints another id.');
}

/** Reads an approval record with its ETag; undefined when absent. */
export async function readApproval(
  deps: KeyStoreDeps,
  approvalId: string,
): Promise<{ record: ApprovalRecord; etag: string } | undefined> {
  const object = await getObject(deps, approvalPath(approvalId));
  return object === undefined
    ? undefined
    : { record: JSON.parse(object.body) as ApprovalRecord, etag: object.etag };
}

/**
 * Moves an OPEN approval to `status` under `If-Match`.
 * @returns the record as stored after the call, and whether this call made the change (a second
 * decision on the same link sees `changed: false`: single use).
 */
export async function closeApproval(
  deps: KeyStoreDeps,
  approvalId: string,
  status: Exclude<ApprovalStatus, 'OPEN'>,
  at: Date,
): Promise<{ record: ApprovalRecord; changed: boolean } | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await readApproval(deps, approvalId);
    if (current === undefined) return undefined;
    if (current.record.status !== 'OPEN') return { record: current.record, changed: false };
    const next: ApprovalRecord = { ...current.record, status, decidedAt: at.toISOString() };
    if (
      await putIfMatch(deps, approvalPath(approvalId), `${JSON.stringify(next, null, 2)}\n`, current.etag)
    ) {
      return { record: next, changed: true };
    }
  }
  throw new Error(`Approval ${approvalId} kept changing; try again.`);
}

/**
 * Reopens an approval this caller just closed, when handing the decision to Step Functions failed
 * transiently: the DNS team can press the button again instead of waiting for a reminder.
 * @returns false when the record changed meanwhile (it then stays as it is).
 */
export async function reopenApproval(
  deps: KeyStoreDeps,
  approvalId: string,
  closed: ApprovalRecord,
): Promise<boolean> {
  const current = await readApproval(deps, approvalId);
  if (
    current === undefined ||
    current.record.status !== closed.status ||
    current.record.decidedAt !== closed.decidedAt
  ) {
    return false;
  }
  const { decidedAt: _decidedAt, ...open } = current.record;
  return putIfMatch(
    deps,
    approvalPath(approvalId),
    `${JSON.stringify({ ...open, status: 'OPEN' }, null, 2)}\n`,
    current.etag,
  );
}

/**
 * Marks an approval this caller just closed as EXPIRED, when Step Functions said the wait had
 * already ended (TaskTimedOut): the link then reads "expired", not "approved", to anyone opening it.
 * @returns false when the record changed meanwhile (it then stays as it is).
 */
export async function expireClosedApproval(
  deps: KeyStoreDeps,
  approvalId: string,
  closed: ApprovalRecord,
  at: Date,
): Promise<boolean> {
  const current = await readApproval(deps, approvalId);
  if (
    current === undefined ||
    current.record.status !== closed.status ||
    current.record.decidedAt !== closed.decidedAt
  ) {
    return false;
  }
  const next: ApprovalRecord = { ...current.record, status: 'EXPIRED', decidedAt: at.toISOString() };
  return putIfMatch(deps, approvalPath(approvalId), `${JSON.stringify(next, null, 2)}\n`, current.etag);
}
