/**
 * The monitor's single-flight lease: one object in the key store, `monitor/lease.json`, so that
 * two overlapping runs (a retried schedule delivery, a manual invoke during the daily run) never
 * both start rotations or send the same notifications. Reserved concurrency would do it too, but
 * Lambda only allows reserving while 100 unreserved executions remain in the account (new
 * accounts may have 10 in all), so it is optional (`RotationMonitor` `reservedConcurrency`).
 *
 * - Acquire: create the object with `If-None-Match: *`. When it exists, read it: ours (a
 *   continuation of the same run) or expired (a crashed run) is taken over with `If-Match` on
 *   the ETag just read; anyone else's live lease means another run is going on.
 * - The lease expires after the invocation's own time limit plus a margin, so a run that crashed
 *   without releasing blocks nothing beyond that (never the next day's run).
 * - Release: overwrite our own lease (If-Match) with one marked released. No delete:
 *   the monitor's role has no s3:DeleteObject, and in the versioned bucket a delete is only a marker.
 * - S3 answers 412 PreconditionFailed when a condition fails and 409 ConditionalRequestConflict
 *   when a conflicting write is in flight: both mean "re-read and decide again".
 */
import { z } from 'zod';
import { InvalidInputError } from '../../shared/errors';
import { isTransientAwsError } from '../../shared/rotation/aws-errors';
import { getObject, type KeyStoreDeps, putIfAbsent, putIfMatch } from '../../shared/rotation/key-store';

/** The lease object in the key-store bucket. */
export const MONITOR_LEASE_KEY = 'monitor/lease.json';

/** Time added to the invocation's own limit before a lease counts as abandoned. */
export const LEASE_MARGIN_MS = 60_000;

/** Reads and conditional writes before giving up on a contended lease. */
const MAX_LEASE_ATTEMPTS = 5;

/** The stored lease. */
export interface MonitorLease {
  /** The run holding it: the request id of the run's first invocation. */
  readonly owner: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  /** Set when the run gave the lease back: free from then on, whatever the clocks say. */
  readonly releasedAt?: string;
}

/** What acquiring gave. */
export type LeaseOutcome =
  | { readonly acquired: true; readonly lease: MonitorLease }
  | { readonly acquired: false; readonly heldBy: MonitorLease };

/** What the lease functions need. */
export interface LeaseDeps extends KeyStoreDeps {
  /** Pause before re-reading after a 409 (tests pass a fake). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Options of {@link acquireMonitorLease}. */
export interface AcquireOptions {
  readonly owner: string;
  readonly now: Date;
  /** How long the lease lives: the invocation's remaining time plus {@link LEASE_MARGIN_MS}. */
  readonly ttlMs: number;
}

const LeaseSchema = z.object({
  owner: z.string(),
  acquiredAt: z.string(),
  expiresAt: z.iso.datetime(),
  releasedAt: z.string().optional(),
});

/**
 * The stored lease, or undefined when the object is not one (hand-edited, truncated): such an
 * object protects no run, so it counts as free instead of stopping the monitor every day.
 */
function parseLease(text: string): MonitorLease | undefined {
  try {
    const parsed = LeaseSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as MonitorLease) : undefined;
  } catch {
    return undefined;
  }
}

function body(lease: MonitorLease): string {
  return `${JSON.stringify(lease, null, 2)}\n`;
}

/** A 409 ConditionalRequestConflict (or other transient failure) is retried after a pause; the rest thrown. */
async function pauseOrThrow(deps: LeaseDeps, attempt: number, error: unknown): Promise<void> {
  if (!isTransientAwsError(error) || attempt >= MAX_LEASE_ATTEMPTS) throw error;
  await deps.sleep(100 * attempt);
}

/**
 * Takes the lease for `owner`, or reports who holds it. A lease of the same owner (the run's
 * continuation) or one that expired is taken over; the new lease lasts `ttlMs` from `now`.
 */
export async function acquireMonitorLease(deps: LeaseDeps, options: AcquireOptions): Promise<LeaseOutcome> {
  const lease: MonitorLease = {
    owner: options.owner,
    acquiredAt: options.now.toISOString(),
    expiresAt: new Date(options.now.getTime() + options.ttlMs).toISOString(),
  };
  for (let attempt = 1; attempt <= MAX_LEASE_ATTEMPTS; attempt++) {
    try {
      if ((await putIfAbsent(deps, MONITOR_LEASE_KEY, body(lease), 'application/json')) === 'created') {
        return { acquired: true, lease };
      }
      const current = await getObject(deps, MONITOR_LEASE_KEY);
      if (current === undefined) continue;
      const held = parseLease(current.body);
      const free =
        held === undefined ||
        held.owner === options.owner ||
        held.releasedAt !== undefined ||
        new Date(held.expiresAt).getTime() <= options.now.getTime();
      if (!free && held !== undefined) return { acquired: false, heldBy: held };
      if (await putIfMatch(deps, MONITOR_LEASE_KEY, body(lease), current.etag))
        return { acquired: true, lease };
      // Another run wrote in between: read again and decide again.
    } catch (error) {
      await pauseOrThrow(deps, attempt, error);
    }
  }
  throw new InvalidInputError(
    `s3://${deps.bucket}/${MONITOR_LEASE_KEY} kept changing while the monitor tried to take it; the next run will try again.`,
  );
}

/**
 * Gives the lease back: our own lease is overwritten with one released (and expired) at `now`,
 * so the next run takes it at once. Someone else's lease (ours expired and was taken over) is left alone.
 * @returns whether our lease was released.
 */
export async function releaseMonitorLease(deps: LeaseDeps, owner: string, now: Date): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_LEASE_ATTEMPTS; attempt++) {
    try {
      const current = await getObject(deps, MONITOR_LEASE_KEY);
      if (current === undefined) return false;
      const held = parseLease(current.body);
      if (held === undefined || held.owner !== owner || held.releasedAt !== undefined) return false;
      const released: MonitorLease = { ...held, expiresAt: now.toISOString(), releasedAt: now.toISOString() };
      if (await putIfMatch(deps, MONITOR_LEASE_KEY, body(released), current.etag)) return true;
    } catch (error) {
      await pauseOrThrow(deps, attempt, error);
    }
  }
  return false;
}
