import { PutObjectCommand } from '@aws-sdk/client-s3';
import { publicKeyFingerprint } from '../../shared/dkim/fingerprint';
import { privateKeyFromPem } from '../../shared/dkim/keys';
import { TRANSIENT_AWS_ERROR } from '../../shared/errors';
import { keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { makeHandler } from '../../tasks/generate-key/handler';
import { generateKey } from '../../tasks/generate-key/logic';
import { FakeS3, fixedClock, serverError, throttling } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, seedKey, state } from './support/rotation';

describe('GenerateKey', () => {
  let s3: FakeS3;
  const paths = keyPaths(DOMAIN, NEW_SELECTOR);
  const deps = () => ({
    ...s3.deps(),
    clock: fixedClock(),
    logger: silentLogger,
    generateKeyPair: async () =>
      (await keyPairs())[0] as NonNullable<Awaited<ReturnType<typeof keyPairs>>[0]>,
  });

  beforeEach(() => {
    s3 = new FakeS3();
  });
  afterEach(() => s3.restore());

  it('stores the key, certificate and PENDING metadata with create-only writes and returns only references', async () => {
    // GIVEN an empty key store
    // WHEN GenerateKey runs
    const result = await generateKey(state(), deps());
    // THEN every object was written with If-None-Match: *
    const puts = s3.mock.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(3);
    for (const put of puts) expect(put.args[0].input.IfNoneMatch).toBe('*');
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('PENDING');
    // AND the result names objects, never their content
    expect(result).toEqual(
      expect.objectContaining({
        privateKeyKey: paths.privateKey,
        certificateKey: paths.certificate,
        reused: false,
      }),
    );
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('reuses the stored key on a re-run instead of generating a second one', async () => {
    // GIVEN a first run stored a key
    const first = await generateKey(state(), deps());
    const storedPem = s3.text(paths.privateKey);
    // WHEN the task runs again (retry or redrive) with a generator that would give another key
    const other = (await keyPairs())[1];
    const second = await generateKey(state(), {
      ...deps(),
      generateKeyPair: async () => other as NonNullable<typeof other>,
    });
    // THEN the stored key is untouched and reported as reused
    expect(s3.text(paths.privateKey)).toBe(storedPem);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.reused).toBe(true);
  });

  it('uses the key a racing run stored between its read and its write', async () => {
    // GIVEN another run stores its key right after our read
    const [ours, theirs] = await keyPairs();
    if (ours === undefined || theirs === undefined) throw new Error('keys');
    const racing = new FakeS3();
    const original = s3;
    s3 = racing;
    let raced = false;
    const generate = async () => {
      if (!raced) {
        raced = true;
        seedKey(racing, NEW_SELECTOR, theirs, 'PENDING');
        racing.objects.delete(keyPaths(DOMAIN, NEW_SELECTOR).metadata);
      }
      return ours;
    };
    // WHEN GenerateKey runs
    const result = await generateKey(state(), { ...deps(), generateKeyPair: generate });
    // THEN it adopts their key (the create-only write refused ours)
    expect(result.fingerprint).toBe(publicKeyFingerprint(theirs.publicKey));
    expect(
      privateKeyFromPem(racing.text(paths.privateKey) ?? '').publicKey.export({ format: 'jwk' }),
    ).toEqual(theirs.publicKey.export({ format: 'jwk' }));
    racing.restore();
    s3 = original;
  });

  it('refuses a selector whose key was already abandoned', async () => {
    // GIVEN the selector's key is ABANDONED
    seedKey(
      s3,
      NEW_SELECTOR,
      (await keyPairs())[0] as NonNullable<Awaited<ReturnType<typeof keyPairs>>[0]>,
      'ABANDONED',
    );
    // WHEN / THEN GenerateKey refuses to bring it back
    await expect(generateKey(state(), deps())).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it.each([
    ['throttling', throttling],
    ['a 5xx', serverError],
  ])('reports %s from S3 as a transient error the workflow retries', async (_label, fault) => {
    // GIVEN S3 fails the first write
    s3.faults.add('PutObject', fault());
    // WHEN / THEN the error is TransientAwsError
    await expect(generateKey(state(), deps())).rejects.toMatchObject({ name: TRANSIENT_AWS_ERROR });
    // AND the retry then completes without a second key
    const result = await generateKey(state(), deps());
    expect(metadataOf(s3, NEW_SELECTOR).fingerprint).toBe(result.fingerprint);
  });
});

describe('GenerateKey handler metrics', () => {
  let s3: FakeS3;
  beforeEach(() => {
    s3 = new FakeS3();
  });
  afterEach(() => s3.restore());

  function capture() {
    const points: Array<{ name: string; value: number; dimensions: Readonly<Record<string, string>> }> = [];
    return {
      points,
      sink: {
        put: (name: string, value: number, _unit: string, dimensions: Readonly<Record<string, string>>) =>
          points.push({ name, value, dimensions }),
      },
    };
  }

  it('emits KeyGenerationStatus 1 for the domain when the key is stored', async () => {
    const { points, sink } = capture();
    const handler = makeHandler({ ...s3.deps(), clock: fixedClock(), logger: silentLogger }, () => sink);
    await handler(state());
    expect(points).toEqual([{ name: 'KeyGenerationStatus', value: 1, dimensions: { Domain: DOMAIN } }]);
  });

  it('emits KeyGenerationStatus 0 when the key cannot be stored, and still fails the task', async () => {
    const { points, sink } = capture();
    s3.mock.on(PutObjectCommand).rejects(serverError());
    const handler = makeHandler({ ...s3.deps(), clock: fixedClock(), logger: silentLogger }, () => sink);
    await expect(handler(state())).rejects.toThrow();
    expect(points).toEqual([{ name: 'KeyGenerationStatus', value: 0, dimensions: { Domain: DOMAIN } }]);
  });
});
