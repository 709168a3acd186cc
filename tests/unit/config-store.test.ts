/**
 * The deployed configuration object (shared/config-store.ts): content-addressed key, format
 * check, S3's answers for an absent object (404, and 403 without s3:ListBucket), per-container cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseConfig } from '../../shared/config';
import {
  CONFIG_OBJECT_PREFIX,
  cachedDeployedConfig,
  configObjectBody,
  configObjectKey,
  forgetCachedConfig,
  parseConfigObject,
  readDeployedConfig,
} from '../../shared/config-store';

const config = parseConfig(JSON.parse(readFileSync(join(__dirname, '../../infra/config/dev.json'), 'utf8')));
const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'ap-northeast-1' });
const deps = { s3, bucket: 'key-store' };
const body = configObjectBody(config);
const key = configObjectKey(body);

const stream = (text: string) => ({ transformToString: async () => text }) as never;
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => {
  s3Mock.reset();
  forgetCachedConfig();
});

test('the key is derived from the content: same body same key, any change another key', () => {
  expect(key).toMatch(new RegExp(`^${CONFIG_OBJECT_PREFIX}rotation-config-[0-9a-f]{32}\\.json$`));
  expect(configObjectKey(configObjectBody(config))).toBe(key);
  const changed = { ...config, timeZone: 'UTC' };
  expect(configObjectKey(configObjectBody(changed))).not.toBe(key);
});

test('a stored object reads back as the same validated configuration', () => {
  expect(parseConfigObject(body, 's3://b/k')).toEqual(config);
});

test('an object of another format or not JSON is refused, naming the object', () => {
  expect(() => parseConfigObject('{"format":"other","config":{}}', 's3://b/k')).toThrow(
    /s3:\/\/b\/k has format "other"/,
  );
  expect(() => parseConfigObject('nope', 's3://b/k')).toThrow(/s3:\/\/b\/k is not JSON/);
});

test('an absent object (404) is a clear InvalidInput telling to deploy', async () => {
  s3Mock.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  await expect(readDeployedConfig(deps, key)).rejects.toMatchObject({
    name: 'InvalidInput',
    message: expect.stringContaining(`s3://key-store/${key} does not exist`),
  });
});

test('403 (no s3:ListBucket, or no s3:GetObject) is AccessDenied, never taken for absent', async () => {
  s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
  await expect(readDeployedConfig(deps, key)).rejects.toMatchObject({ name: 'AccessDenied' });
});

test('the cache reads once per key and forgets a failed read', async () => {
  s3Mock
    .on(GetObjectCommand)
    .rejectsOnce(s3Error('AccessDenied', 403))
    .resolves({ Body: stream(body) });
  await expect(cachedDeployedConfig(deps, key)).rejects.toMatchObject({ name: 'AccessDenied' });
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: stream(body) }));
  await expect(cachedDeployedConfig(deps, key)).resolves.toEqual(config);
  await expect(cachedDeployedConfig(deps, key)).resolves.toEqual(config);
  expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(2);
});
