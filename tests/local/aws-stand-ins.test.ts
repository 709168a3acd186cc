import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEmailIdentityCommand,
  SESv2Client,
  type SESv2ServiceException,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import { generateDkimKeyPair } from '../../shared/dkim/keys';
import { FakeZone } from './fake-zone';

describe('startLocalAws', () => {
  let aws: LocalAws;
  let s3: S3Client;
  let ses: SESv2Client;

  beforeEach(async () => {
    const zone = new FakeZone();
    aws = await startLocalAws({
      isKeyPublished: zone.isKeyPublished,
      buckets: ['byodkim-local'],
      faults: [{ service: 'ses', operation: 'CreateEmailIdentity', error: 'ServiceUnavailable', times: 1 }],
      ses: { throttle: false, easyDkim: { privateKey: (await generateDkimKeyPair(1024)).privateKey } },
    });
    s3 = new S3Client({ ...aws.s3ClientConfig('ap-northeast-3'), maxAttempts: 1 });
    ses = new SESv2Client({ ...aws.sesClientConfig('ap-northeast-3'), maxAttempts: 1 });
  });

  afterEach(async () => {
    s3.destroy();
    ses.destroy();
    await aws.stop();
  });

  it('serves S3 and SES on 127.0.0.1 ephemeral ports to clients built from its configs, faults routed by service', async () => {
    // GIVEN the running stand-ins
    expect(aws.endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.endpoints.ses).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.endpoints.s3).not.toBe(aws.endpoints.ses);

    // WHEN using both services, the SES call twice
    await s3.send(new PutObjectCommand({ Bucket: 'byodkim-local', Key: 'k', Body: 'v' }));
    const read = await s3.send(new GetObjectCommand({ Bucket: 'byodkim-local', Key: 'k' }));
    let firstError: SESv2ServiceException | undefined;
    try {
      await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.jp' }));
    } catch (error) {
      firstError = error as SESv2ServiceException;
    }
    const created = await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.jp' }));

    // THEN S3 works, the SES fault fired once with a 503, and the identity landed in the client's region
    expect(await read.Body?.transformToString()).toBe('v');
    expect(firstError?.name).toBe('ServiceUnavailable');
    expect(firstError?.$metadata.httpStatusCode).toBe(503);
    expect(created.IdentityType).toBe('DOMAIN');
    expect(await aws.ses.describe('ap-northeast-3', 'example.jp')).toMatchObject({ status: 'PENDING' });
    expect(aws.s3.faults.fired).toBe(0);
  });

  it('hands out one shared client per region that sends mail the probe can read', async () => {
    // GIVEN a verified Easy DKIM domain
    aws.ses.seedIdentity('ap-northeast-1', 'example.jp', { origin: 'AWS_SES' });

    // WHEN sending through the shared client twice
    const client = aws.sesClient('ap-northeast-1');
    const again = aws.sesClient('ap-northeast-1');
    const sent = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'ops@example.jp',
        Destination: { ToAddresses: ['x@example.net'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
      }),
    );

    // THEN the same client is reused and the message reached the shared mailbox, in its region
    expect(again).toBe(client);
    expect(aws.mailbox.find(sent.MessageId ?? '')).toMatchObject({
      region: 'ap-northeast-1',
      // Easy DKIM signs with the identity's first token (s=<token>), as SES does.
      dkim: { selector: aws.ses.easyDkimRecords('example.jp')[0]?.name.split('.')[0], origin: 'AWS_SES' },
    });
  });

  it('stops both servers so that nothing answers afterwards', async () => {
    // GIVEN a connection kept alive by a first call
    await s3.send(new PutObjectCommand({ Bucket: 'byodkim-local', Key: 'k', Body: 'v' }));

    // WHEN stopping
    await aws.stop();

    // THEN the endpoints refuse connections (and a second stop is harmless)
    await expect(fetch(`${aws.endpoints.s3}/byodkim-local/k`)).rejects.toThrow();
    await expect(fetch(`${aws.endpoints.ses}/v2/email/identities`)).rejects.toThrow();
    await expect(aws.stop()).resolves.toBeUndefined();
  });
});
