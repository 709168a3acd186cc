/**
 * In-memory stand-ins behind aws-sdk-client-mock: an S3 that honours If-None-Match / If-Match and
 * ETags, per-region SES identities, and an SNS that records messages. Faults (throttling, 5xx) are
 * injected per command. Not a test file (jest matches *.test.ts only).
 */
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  type GetObjectCommandInput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetEmailIdentityCommand,
  PutEmailIdentityDkimAttributesCommand,
  type PutEmailIdentityDkimAttributesCommandInput,
  PutEmailIdentityDkimSigningAttributesCommand,
  type PutEmailIdentityDkimSigningAttributesCommandInput,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { Secret } from '../../../shared/dkim/secret';
import type { SesClientFor } from '../../../shared/rotation/ses-signing';

/** An error shaped like an SDK v3 service exception. */
export function sdkError(name: string, httpStatusCode: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}
export const throttling = () => sdkError('TooManyRequestsException', 429, 'Rate exceeded');
export const serverError = () => sdkError('InternalFailure', 500, 'We encountered an internal error');

/** Faults to throw, per command name, before the fake behaves normally. */
class Faults {
  readonly #queue = new Map<string, Error[]>();
  add(command: string, error: Error, times = 1): void {
    this.#queue.set(command, [
      ...(this.#queue.get(command) ?? []),
      ...Array.from({ length: times }, () => error),
    ]);
  }
  take(command: string): void {
    const next = this.#queue.get(command)?.shift();
    if (next !== undefined) throw next;
  }
}

interface StoredObject {
  body: string;
  etag: string;
}

export class FakeS3 {
  readonly client = new S3Client({ region: 'ap-northeast-1' });
  readonly mock: AwsClientStub<S3Client>;
  readonly objects = new Map<string, StoredObject>();
  readonly faults = new Faults();
  readonly bucket = 'key-store';

  constructor() {
    this.mock = mockClient(this.client);
    this.mock.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) => {
      this.faults.take('GetObject');
      const object = this.objects.get(input.Key ?? '');
      if (object === undefined) throw sdkError('NoSuchKey', 404, 'The specified key does not exist.');
      return { Body: { transformToString: async () => object.body }, ETag: object.etag };
    });
    this.mock.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
      this.faults.take('PutObject');
      const key = input.Key ?? '';
      const existing = this.objects.get(key);
      if (input.IfNoneMatch === '*' && existing !== undefined) throw sdkError('PreconditionFailed', 412);
      if (input.IfMatch !== undefined && existing?.etag !== input.IfMatch)
        throw sdkError('PreconditionFailed', 412);
      const body = String(input.Body);
      const etag = `"${createHash('md5').update(body).update(String(Math.random())).digest('hex')}"`;
      this.objects.set(key, { body, etag });
      return { ETag: etag };
    });
    // As S3 lists: with a delimiter, keys with one after the prefix roll up into CommonPrefixes;
    // every other key under the prefix is listed in Contents.
    this.mock.on(ListObjectsV2Command).callsFake(async (input: ListObjectsV2CommandInput) => {
      this.faults.take('ListObjectsV2');
      const prefix = input.Prefix ?? '';
      const common = new Set<string>();
      const contents: { Key: string }[] = [];
      for (const key of [...this.objects.keys()].sort()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const cut = input.Delimiter ? rest.indexOf(input.Delimiter) : -1;
        if (cut >= 0) common.add(`${prefix}${rest.slice(0, cut + 1)}`);
        else contents.push({ Key: key });
      }
      return {
        Contents: contents,
        CommonPrefixes: [...common].map((Prefix) => ({ Prefix })),
        IsTruncated: false,
      };
    });
  }

  deps() {
    return { s3: this.client, bucket: this.bucket };
  }
  text(key: string): string | undefined {
    return this.objects.get(key)?.body;
  }
  json<T>(key: string): T {
    const body = this.text(key);
    if (body === undefined) throw new Error(`no object ${key}`);
    return JSON.parse(body) as T;
  }
  seed(key: string, body: string): void {
    this.objects.set(key, { body, etag: `"seed-${this.objects.size}"` });
  }
  restore(): void {
    this.mock.restore();
  }
}

/** One SES identity's DKIM state in one region. */
export interface FakeIdentity {
  origin: string;
  selector?: string;
  tokens?: string[];
  status: string;
  signingEnabled: boolean;
  privateKey?: string;
}

export class FakeSes {
  readonly identities = new Map<string, FakeIdentity>();
  readonly clients = new Map<string, SESv2Client>();
  readonly mocks = new Map<string, AwsClientStub<SESv2Client>>();
  readonly faults = new Map<string, Faults>();
  /** Status an identity gets right after a new external key is applied. */
  statusAfterApply = 'PENDING';

  constructor(
    readonly domain: string,
    identities: Record<string, FakeIdentity>,
  ) {
    for (const [region, identity] of Object.entries(identities)) {
      this.identities.set(region, identity);
      const client = new SESv2Client({ region });
      const mock = mockClient(client);
      const faults = new Faults();
      this.clients.set(region, client);
      this.mocks.set(region, mock);
      this.faults.set(region, faults);
      mock.on(GetEmailIdentityCommand).callsFake(async () => {
        faults.take('GetEmailIdentity');
        const current = this.identity(region);
        return {
          DkimAttributes: {
            SigningAttributesOrigin: current.origin,
            Tokens:
              current.origin === 'EXTERNAL'
                ? [current.selector ?? '']
                : (current.tokens ?? ['t1', 't2', 't3']),
            Status: current.status,
            SigningEnabled: current.signingEnabled,
          },
        };
      });
      mock
        .on(PutEmailIdentityDkimSigningAttributesCommand)
        .callsFake(async (input: PutEmailIdentityDkimSigningAttributesCommandInput) => {
          faults.take('PutEmailIdentityDkimSigningAttributes');
          const current = this.identity(region);
          if (input.SigningAttributesOrigin === 'EXTERNAL') {
            current.origin = 'EXTERNAL';
            current.selector = input.SigningAttributes?.DomainSigningSelector;
            current.privateKey = input.SigningAttributes?.DomainSigningPrivateKey;
            current.status = this.statusAfterApply;
          } else {
            current.origin = input.SigningAttributesOrigin ?? 'AWS_SES';
            current.selector = undefined;
            current.privateKey = undefined;
            current.status = 'SUCCESS';
          }
          return {};
        });
      mock
        .on(PutEmailIdentityDkimAttributesCommand)
        .callsFake(async (input: PutEmailIdentityDkimAttributesCommandInput) => {
          faults.take('PutEmailIdentityDkimAttributes');
          this.identity(region).signingEnabled = input.SigningEnabled === true;
          return {};
        });
    }
  }

  identity(region: string): FakeIdentity {
    const identity = this.identities.get(region);
    if (identity === undefined) throw sdkError('NotFoundException', 404, 'Identity not found');
    return identity;
  }
  fault(region: string, command: string, error: Error, times = 1): void {
    this.faults.get(region)?.add(command, error, times);
  }
  clientFor: SesClientFor = (region) => {
    const client = this.clients.get(region);
    if (client === undefined) {
      // A region without the identity: every call says NotFound.
      const orphan = new SESv2Client({ region });
      const mock = mockClient(orphan);
      mock.onAnyCommand().rejects(sdkError('NotFoundException', 404, 'Identity not found'));
      this.clients.set(region, orphan);
      this.mocks.set(region, mock);
      return orphan;
    }
    return client;
  };
  puts(region: string): number {
    return this.mocks.get(region)?.commandCalls(PutEmailIdentityDkimSigningAttributesCommand).length ?? 0;
  }
  restore(): void {
    for (const mock of this.mocks.values()) mock.restore();
  }
}

export class FakeSns {
  readonly client = new SNSClient({ region: 'ap-northeast-1' });
  readonly mock: AwsClientStub<SNSClient>;
  readonly messages: PublishCommandInput[] = [];
  readonly faults = new Faults();

  constructor() {
    this.mock = mockClient(this.client);
    this.mock.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
      this.faults.take('Publish');
      this.messages.push(input);
      return { MessageId: `m-${this.messages.length}` };
    });
  }
  topic(topicArn: string) {
    return { sns: this.client, topicArn };
  }
  to(topicArn: string): PublishCommandInput[] {
    return this.messages.filter((message) => message.TopicArn === topicArn);
  }
  restore(): void {
    this.mock.restore();
  }
}

export const DNS_TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:dns';
export const OPS_TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:ops';
export const TEST_SECRET = new Secret('test-hmac-secret-0123456789abcdef');

/** The approval signing key of the task tests: AWSCURRENT, no previous version yet. */
export const TEST_KEY = { version: '11111111-2222-4333-8444-555555555555', secret: TEST_SECRET } as const;

/** The keys an endpoint reads while only {@link TEST_KEY} exists. */
export const TEST_KEYS = { current: TEST_KEY } as const;

/** The CSRF token of a link signed with {@link TEST_KEY}. */
export const TEST_LINK_KEY = { key: TEST_KEY, legacy: false } as const;

/** A clock that only moves when told to. */
export function fixedClock(start = '2026-11-20T00:30:00Z') {
  let now = new Date(start);
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
