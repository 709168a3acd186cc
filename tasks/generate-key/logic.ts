/**
 * GenerateKey: creates the selector's RSA key and certificate in S3 with create-only writes.
 * A re-run (retry, redrive, a racing duplicate) finds the stored key and reuses it: a key already
 * sent to DNS is never replaced.
 */
import { createDkimCertificate, parseDkimCertificate } from '../../shared/dkim/certificate';
import { publicKeyFingerprint } from '../../shared/dkim/fingerprint';
import {
  type DkimKeyPair,
  generateDkimKeyPair,
  privateKeyFromPem,
  privateKeyToPem,
} from '../../shared/dkim/keys';
import { InvalidInputError } from '../../shared/errors';
import { type KeyMetadata, readMetadata } from '../../shared/rotation/key-metadata';
import {
  getObject,
  getRequiredObject,
  type KeyStoreDeps,
  keyPaths,
  putIfAbsent,
} from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { KeyReference, RotationState } from '../../shared/rotation/state';

export interface GenerateKeyDeps extends BaseDeps, KeyStoreDeps {
  /** @default generateDkimKeyPair */
  readonly generateKeyPair?: (keyLength: number) => Promise<DkimKeyPair>;
}

export async function generateKey(state: RotationState, deps: GenerateKeyDeps): Promise<KeyReference> {
  const { domain, selector, keyLength, certificateValidityDays } = state.plan;
  const paths = keyPaths(domain, selector);
  const metadata = await readMetadata(deps, domain, selector);
  if (metadata !== undefined && metadata.state !== 'PENDING') {
    throw new InvalidInputError(
      `Selector ${selector} of ${domain} is ${metadata.state}: a used selector is never reused; start a new rotation.`,
    );
  }

  let reused = true;
  let keyPair: DkimKeyPair;
  const storedKey = await getObject(deps, paths.privateKey);
  if (storedKey !== undefined) {
    keyPair = privateKeyFromPem(storedKey.body);
  } else {
    keyPair = await (deps.generateKeyPair ?? generateDkimKeyPair)(keyLength);
    const outcome = await putIfAbsent(
      deps,
      paths.privateKey,
      privateKeyToPem(keyPair.privateKey),
      'application/x-pem-file',
    );
    if (outcome === 'exists') {
      // Another run stored its key between our read and write: use that one.
      keyPair = privateKeyFromPem((await getRequiredObject(deps, paths.privateKey, 'The private key')).body);
    } else {
      reused = false;
    }
  }

  const fingerprint = publicKeyFingerprint(keyPair.publicKey);
  let certificate = await getObject(deps, paths.certificate).then((stored) =>
    stored === undefined ? undefined : parseDkimCertificate(stored.body),
  );
  if (certificate === undefined) {
    const created = await createDkimCertificate({
      keyPair,
      domain,
      selector,
      validityDays: certificateValidityDays,
      now: deps.clock(),
    });
    const outcome = await putIfAbsent(deps, paths.certificate, created.pem, 'application/x-pem-file');
    certificate =
      outcome === 'created'
        ? created
        : parseDkimCertificate((await getRequiredObject(deps, paths.certificate, 'The certificate')).body);
  }
  if (publicKeyFingerprint(certificate.publicKey) !== fingerprint) {
    throw new InvalidInputError(
      `The certificate of ${selector} does not certify its private key: inspect s3://${deps.bucket}/${paths.certificate}.`,
    );
  }

  if (metadata === undefined) {
    const at = deps.clock().toISOString();
    const initial: KeyMetadata = {
      schemaVersion: 1,
      domain,
      selector,
      state: 'PENDING',
      keyLength: keyPair.keyLength,
      fingerprint,
      createdAt: at,
      certificateExpiresAt: certificate.expiresAt.toISOString(),
      history: [{ state: 'PENDING', at, reason: `generated for ${state.plan.executionName}` }],
    };
    await putIfAbsent(deps, paths.metadata, `${JSON.stringify(initial, null, 2)}\n`, 'application/json');
  }

  deps.logger.info(reused ? 'Reusing the stored key' : 'Generated a new key', {
    domain,
    selector,
    fingerprint,
  });
  return {
    privateKeyKey: paths.privateKey,
    certificateKey: paths.certificate,
    metadataKey: paths.metadata,
    fingerprint,
    certificateExpiresAt: certificate.expiresAt.toISOString(),
    reused,
  };
}
