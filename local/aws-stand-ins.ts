/**
 * One call to start the AWS stand-ins of the local environment (S3 and SES v2 on 127.0.0.1,
 * ephemeral ports) and get everything needed to point the real SDK v3 clients at them.
 *
 * ```ts
 * const aws = await startLocalAws({ isKeyPublished, buckets: ['byodkim-local'] });
 * const s3 = new S3Client(aws.s3ClientConfig('ap-northeast-1'));
 * const ses = new SESv2Client(aws.sesClientConfig('ap-northeast-1'));
 * …
 * s3.destroy(); ses.destroy(); await aws.stop();
 * ```
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { FaultSpec } from './faults';
import type { AwsAuthorizer } from './iam/local-iam';
import { credentialsOf, ENVIRONMENT_ACCESS_KEY } from './iam/principals';
import { Mailbox } from './mailbox';
import { type S3StandIn, startS3StandIn } from './s3/server';
import type { ForcedOutcome } from './ses/identities';
import type { IsKeyPublished } from './ses/key-publication';
import { type SesStandIn, type SesStandInOptions, startSesStandIn } from './ses/server';

/**
 * The environment's own credentials (seeding, the probe): the stand-ins check no signature, and
 * the local IAM does not evaluate this key. Never real ones.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: ENVIRONMENT_ACCESS_KEY, secretAccessKey: 'local' } as const;

/** A fault for one of the stand-ins, as a scenario's `faults` entry. */
export interface LocalFaultSpec extends FaultSpec {
  readonly service: 's3' | 'ses';
}

/** Options of {@link startLocalAws}. */
export interface LocalAwsOptions {
  /** Whether a selector's record with the given key is served (see key-publication.ts). */
  readonly isKeyPublished: IsKeyPublished;
  /** Buckets to create. @default [] */
  readonly buckets?: readonly string[];
  /** Faults for either service. */
  readonly faults?: readonly LocalFaultSpec[];
  /** Where SES delivers. @default a new Mailbox */
  readonly mailbox?: Mailbox;
  /** SES options other than isKeyPublished, mailbox and faults (throttle, window, outcomes, …). */
  readonly ses?: Omit<SesStandInOptions, 'isKeyPublished' | 'mailbox' | 'faults'>;
  /** Shorthand for `ses.forcedOutcomes`. */
  readonly sesOutcomes?: readonly ForcedOutcome[];
  /** IAM for every request to either service. @default every request allowed */
  readonly authorizer?: AwsAuthorizer;
  /** SSE-KMS default encryption of buckets: the key ARN by bucket name. */
  readonly bucketKeys?: ReadonlyMap<string, string>;
  /** The region of the buckets (where S3 calls KMS from). @default each request's signing region */
  readonly bucketRegion?: string;
}

/** The running stand-ins. */
export interface LocalAws {
  readonly endpoints: { readonly s3: string; readonly ses: string };
  readonly s3: S3StandIn;
  readonly ses: SesStandIn;
  readonly mailbox: Mailbox;
  /** S3Client configuration for `region` (path-style, local credentials, default checksums). */
  s3ClientConfig(region: string): S3ClientConfig;
  /** SESv2Client configuration for `region`: the region reaches the stand-in in the signature. */
  sesClientConfig(region: string): SESv2ClientConfig;
  /**
   * A shared S3Client for `region` (created on first use, destroyed by stop()), signing as
   * `principal` (a state name, `Operator`…; see iam/principals.ts) or as the environment.
   */
  s3Client(region: string, principal?: string): S3Client;
  /** A shared SESv2Client for `region`, signing as `principal` or the environment; fits DkimProbe's `sesClient`. */
  sesClient(region: string, principal?: string): SESv2Client;
  /** Destroys the shared clients, stops both servers and closes every connection. */
  stop(): Promise<void>;
}

/** Starts S3 and SES stand-ins on 127.0.0.1 with ephemeral ports. */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const faults = options.faults ?? [];
  const only = (service: LocalFaultSpec['service']): FaultSpec[] =>
    faults.filter((fault) => fault.service === service).map(({ service: _service, ...fault }) => fault);
  const mailbox = options.mailbox ?? new Mailbox();
  const s3 = await startS3StandIn({
    buckets: options.buckets ?? [],
    faults: only('s3'),
    ...(options.authorizer
      ? {
          authorization: {
            authorizer: options.authorizer,
            ...(options.bucketKeys ? { bucketKeys: options.bucketKeys } : {}),
            ...(options.bucketRegion ? { bucketRegion: options.bucketRegion } : {}),
          },
        }
      : {}),
  });
  let ses: SesStandIn;
  try {
    ses = await startSesStandIn({
      ...options.ses,
      isKeyPublished: options.isKeyPublished,
      mailbox,
      faults: only('ses'),
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
      forcedOutcomes: [...(options.ses?.forcedOutcomes ?? []), ...(options.sesOutcomes ?? [])],
    });
  } catch (error) {
    await s3.stop();
    throw error;
  }
  const s3ClientConfig = (region: string): S3ClientConfig => ({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region,
    credentials: LOCAL_CREDENTIALS,
  });
  const sesClientConfig = (region: string): SESv2ClientConfig => ({
    endpoint: ses.endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
  });
  // A principal's clients sign with its access key (the local IAM evaluates them as its role).
  const signedAs = <C extends object>(config: C, principal: string | undefined): C =>
    principal === undefined ? config : { ...config, credentials: credentialsOf(principal) };
  const s3Clients = new Map<string, S3Client>();
  const sesClients = new Map<string, SESv2Client>();
  const cached = <T>(clients: Map<string, T>, region: string, create: () => T): T => {
    const existing = clients.get(region);
    if (existing) return existing;
    const created = create();
    clients.set(region, created);
    return created;
  };
  return {
    endpoints: { s3: s3.endpoint, ses: ses.endpoint },
    s3,
    ses,
    mailbox,
    s3ClientConfig,
    sesClientConfig,
    s3Client: (region, principal) =>
      cached(
        s3Clients,
        `${region} ${principal ?? ''}`,
        () => new S3Client(signedAs(s3ClientConfig(region), principal)),
      ),
    sesClient: (region, principal) =>
      cached(
        sesClients,
        `${region} ${principal ?? ''}`,
        () => new SESv2Client(signedAs(sesClientConfig(region), principal)),
      ),
    async stop() {
      // Destroying the clients closes their keep-alive sockets: no open handles left in jest.
      for (const client of [...s3Clients.values(), ...sesClients.values()]) client.destroy();
      s3Clients.clear();
      sesClients.clear();
      await Promise.all([s3.stop(), ses.stop()]);
    },
  };
}
