/**
 * The deployed configuration object end to end on the S3 stand-in under the synthesized stack's
 * IAM: the ConfigWriter answers CloudFormation's request from the template (and nothing else is
 * within its reach), PrepareRotation and the Monitor read the object with their own roles, and a
 * request the stack did not make is answered FAILED with a reason, never left hanging.
 */
// The writer's Powertools logger stays out of the test output.
import '../../local/runner/quiet-powertools';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { LocalAws } from '../../local/aws-stand-ins';
import { type DeployedIam, readDeployedIam } from '../../local/iam/deployed-iam';
import type { LocalIam } from '../../local/iam/local-iam';
import { type CfnTemplate, synthesizeStack } from '../../local/runner/definition';
import { CONFIG_WRITER_PRINCIPAL, writeDeployedConfig } from '../../local/runner/deployed-config';
import { localConfig } from '../../local/runner/environment';
import { loadScenario } from '../../local/scenario';
import type { RotationConfig } from '../../shared/config';
import { configObjectBody, forgetCachedConfig, readDeployedConfig } from '../../shared/config-store';
import { type CustomResourceResponse, makeHandler, putResponse } from '../../tasks/write-config/handler';
import { CONFIG_RESOURCE_TYPE } from '../../tasks/write-config/logic';
import { keyStoreUnderIam } from '../support/key-store-under-iam';
import { sdkError } from '../support/sdk-error';

const BUCKET = 'byodkim-local';
const TOKYO = 'ap-northeast-1';

let config: RotationConfig;
let template: CfnTemplate;
let deployed: DeployedIam;
let aws: LocalAws;
let iam: LocalIam;

beforeAll(async () => {
  const scenario = loadScenario(`${__dirname}/../../local/scenarios/happy-path.json`);
  config = localConfig([scenario]);
  template = synthesizeStack(config).template;
  deployed = readDeployedIam(template, {
    byLogicalIdFragment: { KeyStore: { ref: BUCKET, attributes: { Arn: `arn:aws:s3:::${BUCKET}` } } },
  });
});

beforeEach(async () => {
  forgetCachedConfig();
  ({ aws, iam } = await keyStoreUnderIam(deployed, BUCKET));
});

afterEach(async () => aws.stop());

const as = (principal: string) => ({ s3: aws.s3Client(TOKYO, principal), bucket: BUCKET });

/** A CloudFormation request for the custom resource, with `properties`. */
function request(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:ap-northeast-1:000000000000:function:byodkim-rotation-ConfigWriter',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
    StackId: 'arn:aws:cloudformation:ap-northeast-1:000000000000:stack/Byodkim/uuid',
    RequestId: 'request-1',
    LogicalResourceId: 'Configuration',
    ResourceType: CONFIG_RESOURCE_TYPE,
    ResourceProperties: { ServiceToken: 'token', ...properties },
  };
  return requestType === 'Create'
    ? { ...common, RequestType: 'Create' }
    : requestType === 'Update'
      ? {
          ...common,
          RequestType: 'Update',
          PhysicalResourceId: 'config/old',
          OldResourceProperties: { ServiceToken: 'token' },
        }
      : { ...common, RequestType: 'Delete', PhysicalResourceId: 'config/old' };
}

/** The writer handler signed as the ConfigWriter role, with the responses it sends. */
function writer(): {
  invoke: (event: CloudFormationCustomResourceEvent) => Promise<void>;
  sent: CustomResourceResponse[];
} {
  const sent: CustomResourceResponse[] = [];
  const handler = makeHandler({
    ...as(CONFIG_WRITER_PRINCIPAL),
    send: async (_url, body) => void sent.push(body),
  });
  return { invoke: (event) => handler(event), sent };
}

function templateProperties(): Record<string, unknown> {
  const resource = Object.values(template.Resources).find(
    (candidate) => candidate.Type === CONFIG_RESOURCE_TYPE,
  );
  return resource?.Properties ?? {};
}

describe('ConfigWriter under its role of the synthesized stack', () => {
  it('writes the template’s object, which PrepareRotation and the Monitor read back as the configuration', async () => {
    const key = await writeDeployedConfig(template, as(CONFIG_WRITER_PRINCIPAL));

    expect(key).toBe(templateProperties().Key);
    await expect(readDeployedConfig(as('PrepareRotation'), key)).resolves.toEqual(config);
    await expect(readDeployedConfig(as('Monitor'), key)).resolves.toEqual(config);
    expect(iam.summary()).toMatchObject({ denied: 0 });
  });

  it('answers CloudFormation with the copied ids, the key as physical id, and succeeds again on a retried Create', async () => {
    const { invoke, sent } = writer();
    const event = request('Create', templateProperties());

    await invoke(event);
    await invoke(event);

    expect(sent).toHaveLength(2);
    for (const response of sent) {
      expect(response).toEqual({
        Status: 'SUCCESS',
        PhysicalResourceId: templateProperties().Key,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        Data: { Key: templateProperties().Key, Domains: config.domains.length },
      });
      expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(4096);
    }
  });

  it('deletes nothing on Delete: a rotation of the previous deployment may still read its object', async () => {
    const key = await writeDeployedConfig(template, as(CONFIG_WRITER_PRINCIPAL));
    const { invoke, sent } = writer();

    await invoke(request('Delete', templateProperties()));

    expect(sent[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'config/old' });
    await expect(readDeployedConfig(as('PrepareRotation'), key)).resolves.toEqual(config);
  });

  it.each([
    [
      'a key that is not the body’s hash',
      () => ({ ...templateProperties(), Key: 'config/rotation-config-0.json' }),
      /is not the hash of its body/,
    ],
    [
      'a key outside config/',
      () => ({ ...templateProperties(), Key: 'dkim/x/private-key.pem' }),
      /needs Key \(under config\/\)/,
    ],
    [
      'a body that is not gzip',
      () => ({ ...templateProperties(), BodyGzipBase64: 'bm90IGd6aXA=' }),
      /is not gzip data/,
    ],
    [
      'a body that fails the schema',
      () => ({
        ...templateProperties(),
        BodyGzipBase64: gzipSync(
          configObjectBody({ ...config, domains: [] } as unknown as RotationConfig),
        ).toString('base64'),
      }),
      /config\.domains = \[\]: must list at least one domain/,
    ],
  ])('answers FAILED with a reason, writing nothing, for %s', async (_case, properties, reason) => {
    const { invoke, sent } = writer();

    await invoke(request('Update', properties()));

    expect(sent).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        PhysicalResourceId: 'config/old',
        Reason: expect.stringMatching(reason),
      }),
    ]);
    expect(sent[0]?.Reason).toMatch(/^InvalidInput: /);
    await expect(readDeployedConfig(as('PrepareRotation'), String(templateProperties().Key))).rejects.toThrow(
      /does not exist/,
    );
  });

  it('can write only configuration objects: a private key is out of its reach, and so is reading', async () => {
    const key = await writeDeployedConfig(template, as(CONFIG_WRITER_PRINCIPAL));
    const { s3 } = as(CONFIG_WRITER_PRINCIPAL);

    const write = await sdkError(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dkim/a.example/s1/private-key.pem', Body: 'x' })),
      S3ServiceException,
    );
    const read = await sdkError(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })),
      S3ServiceException,
    );

    expect(write).toMatchObject({ name: 'AccessDenied' });
    expect(read).toMatchObject({ name: 'AccessDenied' });
  });
});

describe('the answer to CloudFormation', () => {
  it('is PUT to the pre-signed URL as JSON with an empty content type (the URL is signed without one), and a refusal is an error', async () => {
    const received: Array<{ method?: string; contentType?: string; body: string }> = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=x`;
    const response: CustomResourceResponse = {
      Status: 'SUCCESS',
      PhysicalResourceId: 'config/k',
      StackId: 'stack',
      RequestId: 'request',
      LogicalResourceId: 'Configuration',
    };
    try {
      await putResponse(url, response);
      status = 403;
      await expect(putResponse(url, response)).rejects.toThrow(/answered 403/);
    } finally {
      server.close();
    }

    expect(received[0]).toEqual({ method: 'PUT', contentType: '', body: JSON.stringify(response) });
  });
});
