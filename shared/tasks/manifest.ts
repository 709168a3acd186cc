/**
 * The task manifest: every function of the rotation, by state name, with its code folder and what
 * it touches. It is the one source of three things that used to be kept by hand in three places:
 * - the infrastructure derives each function's grants and environment from it
 *   (infra/task-grants.ts, infra/task-function.ts);
 * - each handler reads its environment through the names derived from it (./task-env.ts), so a
 *   handler reading a variable its entry does not give it fails to compile;
 * - the local rehearsal evaluates every call under the roles synthesized from it, so an entry that
 *   omits something its task does fails the rehearsal (AccessDenied), and one that grants too much
 *   is visible here, next to the code.
 *
 * Data only, without CDK: the handlers' bundles import it.
 */

/** The parts of the key store a function may read or write, by object pattern. */
export const KEY_STORE_AREAS = {
  privateKeys: 'dkim/*/private-key.pem',
  certificates: 'dkim/*/certificate.pem',
  metadata: 'dkim/*/metadata.json',
  dnsRequests: 'dns-requests/*',
  approvals: 'approvals/*',
} as const;

/** A part of the key store ({@link KEY_STORE_AREAS}). */
export type KeyStoreArea = keyof typeof KEY_STORE_AREAS;

/** The product's notification topics. */
export type TopicName = 'dnsTeam' | 'operators';

/** What one function touches; everything not named here is denied. */
export interface TaskManifestEntry {
  /** The folder under `tasks/` holding `handler.ts`. */
  readonly folder: string;
  /**
   * Key store objects read (s3:GetObject). Readers may also list the bucket: S3 answers a missing
   * key with 403 instead of 404 to a caller without s3:ListBucket (S3 API Reference, GetObject).
   */
  readonly reads?: readonly KeyStoreArea[];
  /** Key store objects written (s3:PutObject; private keys only with If-None-Match, by bucket policy). */
  readonly writes?: readonly KeyStoreArea[];
  /** Lists the bucket without reading any object (key names only, never key material). */
  readonly lists?: true;
  /** Reads the deployed configuration object (`config/…`). */
  readonly readsConfig?: true;
  /** SES identities: `read` (GetEmailIdentity) or `change` (read and set DKIM signing). */
  readonly ses?: 'read' | 'change';
  /** Topics published to. */
  readonly publishes?: readonly TopicName[];
  /** The Route 53 change this function makes to AUTO domains' DKIM TXT records. */
  readonly route53?: 'CREATE' | 'DELETE';
  /** Reads the approval signing secret. */
  readonly approvalSecret?: true;
  /** Sends approval links (needs the endpoint's base URL). */
  readonly approvalLinks?: true;
  /** Asks authoritative name servers itself (VPC placement and the IPv6 egress policy). */
  readonly asksNameServers?: true;
  /** Resumes and reads executions of the state machine (task tokens, history). */
  readonly resumesExecutions?: true;
}

/**
 * The rotation's functions: one per Lambda task state (the workflow's LAMBDA_TASKS), plus the
 * approval endpoint. The monitor and the configuration writer are constructs of their own
 * (infra/rotation-monitor.ts, infra/deployed-config.ts).
 */
export const TASK_MANIFEST = {
  // Needs only to know that the previous key and certificate exist: lists, reads no object
  // (shared/rotation/key-presence.ts).
  PrepareRotation: { folder: 'prepare-rotation', lists: true, readsConfig: true, ses: 'read' },
  GenerateKey: {
    folder: 'generate-key',
    reads: ['privateKeys', 'certificates', 'metadata'],
    writes: ['privateKeys', 'certificates', 'metadata'],
  },
  StoreDnsRequest: {
    folder: 'store-dns-request',
    reads: ['certificates', 'dnsRequests'],
    writes: ['dnsRequests'],
  },
  PublishDnsRecord: {
    folder: 'publish-dns-record',
    reads: ['dnsRequests', 'metadata'],
    writes: ['metadata'],
    publishes: ['dnsTeam'],
    route53: 'CREATE',
  },
  NotifyDnsTeam: {
    folder: 'notify-dns-team',
    reads: ['dnsRequests', 'metadata', 'approvals'],
    writes: ['metadata', 'approvals'],
    publishes: ['dnsTeam'],
    approvalSecret: true,
    approvalLinks: true,
  },
  SendReminder: { folder: 'send-reminder', reads: ['metadata', 'approvals'], writes: ['approvals'] },
  VerifyDnsRecord: { folder: 'verify-dns-record', reads: ['privateKeys'], asksNameServers: true },
  ApplyToSes: { folder: 'apply-to-ses', reads: ['privateKeys', 'metadata'], ses: 'change' },
  ConfirmSesStatus: {
    folder: 'confirm-ses-status',
    reads: ['metadata'],
    writes: ['metadata'],
    ses: 'read',
  },
  NotifySuccess: { folder: 'notify-success', publishes: ['operators', 'dnsTeam'] },
  // Takes the old public key from the certificate, never from the private key.
  RetireOldKey: {
    folder: 'retire-old-key',
    reads: ['certificates', 'metadata'],
    writes: ['metadata'],
    ses: 'read',
    publishes: ['dnsTeam'],
    route53: 'DELETE',
    asksNameServers: true,
  },
  AbandonKey: {
    folder: 'abandon-key',
    reads: ['metadata', 'approvals'],
    writes: ['metadata', 'approvals'],
    publishes: ['operators', 'dnsTeam'],
  },
  RollbackSigning: {
    folder: 'rollback-signing',
    reads: ['privateKeys', 'metadata'],
    writes: ['metadata'],
    ses: 'change',
  },
  // Reads SES and the previous keys' certificates (public keys only), asks the name servers;
  // changes nothing.
  ConfirmRollback: {
    folder: 'confirm-rollback',
    reads: ['certificates'],
    ses: 'read',
    asksNameServers: true,
  },
  NotifyFailure: { folder: 'notify-failure', publishes: ['operators', 'dnsTeam'] },
  ApprovalEndpoint: {
    folder: 'approval-endpoint',
    reads: ['approvals'],
    writes: ['approvals'],
    approvalSecret: true,
    resumesExecutions: true,
  },
} as const satisfies Record<string, TaskManifestEntry>;

/** A function of the rotation: a Lambda task state's name, or `ApprovalEndpoint`. */
export type TaskName = keyof typeof TASK_MANIFEST;

/** The manifest's function names, in its order (the order functions are created in). */
export const TASK_NAMES = Object.keys(TASK_MANIFEST) as TaskName[];

/** The entry of `name`, typed as the general shape. */
export function manifestEntry(name: TaskName): TaskManifestEntry {
  return TASK_MANIFEST[name];
}

/** Whether `name` reads, writes or lists the key store at all. */
export function usesKeyStore(entry: TaskManifestEntry): boolean {
  return (
    (entry.reads?.length ?? 0) > 0 ||
    (entry.writes?.length ?? 0) > 0 ||
    entry.lists === true ||
    entry.readsConfig === true
  );
}
