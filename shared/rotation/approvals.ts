/**
 * The approval record contract: `approvals/<id>.json`, what an approval link stands for. Holds
 * the task token the decision resumes, so the link itself never carries it. NotifyDnsTeam creates
 * it OPEN; the endpoint, the CLI, SendReminder and AbandonKey close it under If-Match; every
 * reader checks it against {@link ApprovalRecordSchema}. The links' signatures are in
 * ./approval-links.ts.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { getObject, type KeyStoreDeps, putIfAbsent, putIfMatch } from './key-store';
import { parseStoredJson, type StoredContract } from './stored-json';

/** Where an approval stands. */
export const APPROVAL_STATUSES = ['OPEN', 'APPROVED', 'REJECTED', 'SUPERSEDED', 'EXPIRED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

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
  /**
   * The execution waiting on this approval (`$$.Execution.Id`): where the endpoint looks when
   * Step Functions' answer to a decision was lost. Absent on records made before it was stored.
   */
  readonly executionArn?: string;
  readonly reminderNumber: number;
  /** Reminders allowed before the rotation is abandoned (shown on the page). */
  readonly maxReminders?: number;
  /** The operators' addresses, shown on the page as who to call. */
  readonly operatorContacts?: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedAt?: string;
  /**
   * Of an APPROVED or REJECTED record: PENDING until Step Functions confirmed the decision,
   * CONFIRMED after. Absent on records decided before it was stored (they were confirmed).
   */
  readonly delivery?: 'PENDING' | 'CONFIRMED';
}

/**
 * The stored object's shape, checked by every reader. Fields added after the first release
 * (executionArn, maxReminders, operatorContacts, delivery) are optional; fields no release knows
 * are kept as they are, so closing an approval never drops them. The task token is never shown
 * in an error.
 */
export const ApprovalRecordSchema = z.looseObject({
  schemaVersion: z.literal(1),
  approvalId: z.string().min(1),
  taskToken: z.string().min(1),
  domain: z.string().min(1),
  selector: z.string().min(1),
  recordName: z.string().min(1),
  fingerprint: z.string(),
  executionName: z.string(),
  executionArn: z.string().min(1).optional(),
  reminderNumber: z.number().int().nonnegative(),
  maxReminders: z.number().int().nonnegative().optional(),
  operatorContacts: z.array(z.string()).optional(),
  createdAt: z.string().min(1),
  expiresAt: z.string().min(1),
  status: z.enum(APPROVAL_STATUSES),
  decidedAt: z.string().min(1).optional(),
  delivery: z.enum(['PENDING', 'CONFIRMED']).optional(),
});

const APPROVAL_RECORD: StoredContract = {
  title: 'The approval record',
  kind: 'an approval record',
  root: 'approval',
  schema: ApprovalRecordSchema,
  secretFields: ['taskToken'],
};

const APPROVAL_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The S3 key of an approval record. */
export function approvalPath(approvalId: string): string {
  if (!APPROVAL_ID.test(approvalId)) throw new InvalidInputError('Malformed approval id.');
  return `approvals/${approvalId}.json`;
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

/**
 * Reads an approval record with its ETag; undefined when absent.
 * @throws InvalidInputError naming the object when it is not an approval record
 */
export async function readApproval(
  deps: KeyStoreDeps,
  approvalId: string,
): Promise<{ record: ApprovalRecord; etag: string } | undefined> {
  const key = approvalPath(approvalId);
  const object = await getObject(deps, key);
  return object === undefined
    ? undefined
    : {
        record: parseStoredJson<ApprovalRecord>(APPROVAL_RECORD, object.body, `s3://${deps.bucket}/${key}`),
        etag: object.etag,
      };
}

/** A decision: what the person pressed, as a record status. */
export type DecisionStatus = 'APPROVED' | 'REJECTED';

/**
 * True while a decision is recorded but Step Functions has not confirmed it: the record keeps the
 * decision (never reopened), and only the same decision may be sent again.
 */
export function awaitsDelivery(
  record: ApprovalRecord,
): record is ApprovalRecord & { status: DecisionStatus } {
  return (record.status === 'APPROVED' || record.status === 'REJECTED') && record.delivery === 'PENDING';
}

/**
 * Moves an OPEN approval to `status` under `If-Match` (a 409 or 412 re-reads). A decision is
 * stored with `delivery: 'PENDING'` until Step Functions confirms it.
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
    const decided = status === 'APPROVED' || status === 'REJECTED';
    const next: ApprovalRecord = {
      ...current.record,
      status,
      decidedAt: at.toISOString(),
      ...(decided ? { delivery: 'PENDING' as const } : {}),
    };
    if (
      await putIfMatch(deps, approvalPath(approvalId), `${JSON.stringify(next, null, 2)}\n`, current.etag)
    ) {
      return { record: next, changed: true };
    }
  }
  throw new Error(`Approval ${approvalId} kept changing; try again.`);
}

/** How a recorded decision was settled. */
export type DecisionSettlement =
  /** Step Functions confirmed it (or its history shows it): the decision stands, delivered. */
  | { readonly delivery: 'CONFIRMED' }
  /** The wait closed without it: the record reads EXPIRED (wait timed out) or SUPERSEDED (rotation ended). */
  | { readonly status: 'EXPIRED' | 'SUPERSEDED' };

/**
 * Settles a decision this caller recorded, under If-Match, as long as the record still holds that
 * same decision (`decided.status` and `decidedAt`).
 * @returns the record as stored, or undefined when it changed meanwhile (it then stays as it is).
 */
export async function settleDecision(
  deps: KeyStoreDeps,
  decided: ApprovalRecord,
  settlement: DecisionSettlement,
  at: Date,
): Promise<ApprovalRecord | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await readApproval(deps, decided.approvalId);
    if (
      current === undefined ||
      current.record.status !== decided.status ||
      current.record.decidedAt !== decided.decidedAt
    ) {
      return undefined;
    }
    const { delivery: _delivery, ...rest } = current.record;
    const next: ApprovalRecord =
      'delivery' in settlement
        ? { ...rest, delivery: 'CONFIRMED' }
        : { ...rest, status: settlement.status, decidedAt: at.toISOString() };
    if (
      await putIfMatch(
        deps,
        approvalPath(decided.approvalId),
        `${JSON.stringify(next, null, 2)}\n`,
        current.etag,
      )
    ) {
      return next;
    }
  }
  return undefined;
}
