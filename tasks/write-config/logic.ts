/**
 * ConfigWriter: the custom resource that writes the deployed configuration object
 * (shared/config-store.ts) into the key-store bucket during a deployment.
 *
 * The template carries the object gzipped and base64-encoded (a fleet's configuration compresses
 * about twentyfold, which keeps the template and CloudFormation's request to this function small)
 * together with the key the stack computed from the body. The writer checks both before it writes:
 * the body must be a valid configuration object of this release, and the key must be the body's
 * content hash, so one key always names one content and readers may cache it for good.
 *
 * Create and Update write the object (If-None-Match: a retried request finds it and succeeds).
 * Delete writes nothing and removes nothing: a rotation or a warm monitor container of the previous
 * deployment may still read its key, and the versioned bucket keeps the history anyway.
 */
import { gunzipSync } from 'node:zlib';
import { CONFIG_OBJECT_PREFIX, configObjectKey, parseConfigObject } from '../../shared/config-store';
import { InvalidInputError } from '../../shared/errors';
import { type KeyStoreDeps, putIfAbsent } from '../../shared/rotation/key-store';

/** The custom resource type in the template. */
export const CONFIG_RESOURCE_TYPE = 'Custom::RotationConfig';

/** The properties the stack gives the custom resource. */
export interface ConfigResourceProperties {
  /** `config/rotation-config-<hash>.json`. */
  readonly Key: string;
  /** The object's body, gzipped, base64. */
  readonly BodyGzipBase64: string;
}

/** The part of CloudFormation's request the writer reads. */
export interface ConfigWriteRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  /** {@link ConfigResourceProperties}, as CloudFormation passes them (checked here). */
  readonly ResourceProperties?: Readonly<Record<string, unknown>>;
  /** Set on Update and Delete. */
  readonly PhysicalResourceId?: string;
}

/** What the writer answers: the physical id (the key) and the attributes `Fn::GetAtt` reads. */
export interface ConfigWriteResult {
  readonly physicalResourceId: string;
  readonly data: { readonly Key: string; readonly Domains: number };
  /** Whether this request wrote the object (false on Delete or when it existed already). */
  readonly written: boolean;
}

/** Writes the object of a Create or Update; acknowledges a Delete. */
export async function writeConfig(
  request: ConfigWriteRequest,
  deps: KeyStoreDeps,
): Promise<ConfigWriteResult> {
  if (request.RequestType === 'Delete') {
    const key = request.PhysicalResourceId ?? '';
    return { physicalResourceId: key || 'none', data: { Key: key, Domains: 0 }, written: false };
  }
  const { key, body, domains } = decodeProperties(request.ResourceProperties);
  const outcome = await putIfAbsent(deps, key, body, 'application/json');
  return { physicalResourceId: key, data: { Key: key, Domains: domains }, written: outcome === 'created' };
}

function decodeProperties(properties: Readonly<Record<string, unknown>> | undefined): {
  key: string;
  body: string;
  domains: number;
} {
  const key = properties?.Key;
  const encoded = properties?.BodyGzipBase64;
  if (typeof key !== 'string' || !key.startsWith(CONFIG_OBJECT_PREFIX) || typeof encoded !== 'string') {
    throw new InvalidInputError(
      `${CONFIG_RESOURCE_TYPE} needs Key (under ${CONFIG_OBJECT_PREFIX}) and BodyGzipBase64: the stack sets both; do not create this resource by hand.`,
    );
  }
  let body: string;
  try {
    body = gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
  } catch (cause) {
    throw new InvalidInputError(`${CONFIG_RESOURCE_TYPE} BodyGzipBase64 is not gzip data.`, { cause });
  }
  const config = parseConfigObject(body, key);
  const expected = configObjectKey(body);
  if (expected !== key) {
    throw new InvalidInputError(
      `${CONFIG_RESOURCE_TYPE} Key ${key} is not the hash of its body (${expected}): the template was edited by hand; synthesize it again.`,
    );
  }
  return { key, body, domains: config.domains.length };
}
