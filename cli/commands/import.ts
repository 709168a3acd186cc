import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { createDkimCertificate } from '../../shared/dkim/certificate';
import { normaliseDomain } from '../../shared/dkim/domain';
import { publicKeyFingerprint } from '../../shared/dkim/fingerprint';
import { privateKeyFromPem, privateKeyToPem } from '../../shared/dkim/keys';
import { assertValidSelector } from '../../shared/dkim/selector';
import { InvalidInputError } from '../../shared/errors';
import type { KeyMetadata, KeyState } from '../../shared/rotation/key-metadata';
import { keyPaths, putIfAbsent } from '../../shared/rotation/key-store';
import { EXIT } from '../exit-codes';
import { printTable } from '../output';
import { readSigningPatiently } from '../ses-signing-read';
import { resolveTarget, type Target } from '../target';
import { withTargetOptions } from './operations';

/** Options of `byodkim import`. */
interface ImportOptions {
  readonly fromBucket: string;
  readonly prefix: string;
  readonly domain?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly local?: string | boolean;
  readonly stage?: string;
  readonly stack?: string;
  readonly config?: string;
}

/** `certificate_info.json` of the phase-based system (fields we read; others are ignored). */
interface LegacyCertificateInfo {
  readonly validity_days?: number;
  readonly created_at?: string;
  readonly renewal_alert_days?: number;
}

/** One key found in the old layout, and what import did with it. */
export interface ImportedKey {
  readonly domain: string;
  readonly selector: string;
  readonly state: KeyState | null;
  readonly keyLength: number | null;
  readonly expiresAt: string | null;
  readonly fingerprint: string | null;
  readonly action: 'imported' | 'already-present' | 'would-import' | 'refused';
  /** Why a selector was refused (never key material). */
  readonly reason?: string;
}

async function text(
  target: Target,
  bucket: string,
  key: string,
): Promise<{ body: string; lastModified?: Date } | undefined> {
  try {
    const output = await target.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return {
      body: (await output.Body?.transformToString('utf8')) ?? '',
      ...(output.LastModified ? { lastModified: output.LastModified } : {}),
    };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Every `<prefix><domain>/<selector>/private_key.pem` in the old bucket. */
async function legacyKeys(
  target: Target,
  bucket: string,
  prefix: string,
): Promise<Array<{ domain: string; selector: string }>> {
  const found: Array<{ domain: string; selector: string }> = [];
  let token: string | undefined;
  do {
    const page = await target.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const match = new RegExp(
        `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^/]+)/([^/]+)/private_key\\.pem$`,
      ).exec(object.Key ?? '');
      if (match?.[1] && match[2]) found.push({ domain: match[1], selector: match[2] });
    }
    token = page.NextContinuationToken;
  } while (token);
  return found;
}

/**
 * Adopts the keys of the phase-based system: reads `private_key.pem` + `certificate_info.json`,
 * writes the product's layout (`dkim/<domain>/<selector>/`, create-only), the selector SES signs
 * with as ACTIVE and the others as PREVIOUS. The certificate is re-issued for the same key with the
 * recorded validity. Nothing of a key is printed.
 */
export async function importLegacyKeys(
  target: Target,
  options: Pick<ImportOptions, 'fromBucket' | 'prefix' | 'domain' | 'dryRun'>,
): Promise<ImportedKey[]> {
  const wanted = options.domain ? normaliseDomain(options.domain) : undefined;
  const deps = { s3: target.s3, bucket: target.bucket };
  const results: ImportedKey[] = [];
  // One SES read per domain and region, however many selectors the old bucket holds (1 request/s).
  const signings = new Map<string, ReturnType<typeof readSigningPatiently>>();
  const signingOf = (domain: string, region: string) => {
    const key = `${domain} ${region}`;
    let signing = signings.get(key);
    if (!signing) {
      signing = readSigningPatiently(target, region, domain);
      signings.set(key, signing);
    }
    return signing;
  };
  for (const { domain: rawDomain, selector: rawSelector } of await legacyKeys(
    target,
    options.fromBucket,
    options.prefix,
  )) {
    const domain = normaliseDomain(rawDomain);
    if (wanted && domain !== wanted) continue;
    const selector = assertValidSelector(rawSelector);
    const settings = target.config.domains.find((candidate) => candidate.domain === domain);
    if (!settings)
      throw new InvalidInputError(
        `${domain} has keys in the old bucket but is not in the configuration: add it first.`,
      );
    const base = `${options.prefix}${rawDomain}/${rawSelector}`;
    const pem = await text(target, options.fromBucket, `${base}/private_key.pem`);
    if (!pem) continue;
    const info = JSON.parse(
      (await text(target, options.fromBucket, `${base}/certificate_info.json`))?.body ?? '{}',
    ) as LegacyCertificateInfo;
    let keyPair: ReturnType<typeof privateKeyFromPem>;
    try {
      keyPair = privateKeyFromPem(pem.body);
    } catch (error) {
      results.push({
        domain,
        selector,
        state: null,
        keyLength: null,
        expiresAt: null,
        fingerprint: null,
        action: 'refused',
        reason: (error as Error).message,
      });
      continue;
    }
    const createdAt = info.created_at ? new Date(info.created_at) : (pem.lastModified ?? new Date());
    const certificate = await createDkimCertificate({
      keyPair,
      domain,
      selector,
      validityDays: info.validity_days ?? settings.certificateValidityDays,
      now: createdAt,
    });
    const inUse = await Promise.all(
      settings.regions.map(async (region) => (await signingOf(domain, region)).selector === selector),
    );
    const state: KeyState = inUse.some(Boolean) ? 'ACTIVE' : 'PREVIOUS';
    const fingerprint = publicKeyFingerprint(keyPair.publicKey);
    const paths = keyPaths(domain, selector);
    let action: ImportedKey['action'] = 'would-import';
    if (!options.dryRun) {
      const metadata: KeyMetadata = {
        schemaVersion: 1,
        domain,
        selector,
        state,
        keyLength: keyPair.keyLength,
        fingerprint,
        createdAt: createdAt.toISOString(),
        certificateExpiresAt: certificate.expiresAt.toISOString(),
        history: [
          {
            state,
            at: new Date().toISOString(),
            reason: `imported from s3://${options.fromBucket}/${base}/`,
          },
        ],
      };
      const written = await putIfAbsent(
        deps,
        paths.privateKey,
        privateKeyToPem(keyPair.privateKey),
        'application/x-pem-file',
      );
      await putIfAbsent(deps, paths.certificate, certificate.pem, 'application/x-pem-file');
      await putIfAbsent(deps, paths.metadata, `${JSON.stringify(metadata, null, 2)}\n`, 'application/json');
      action = written === 'exists' ? 'already-present' : 'imported';
    }
    results.push({
      domain,
      selector,
      state,
      keyLength: keyPair.keyLength,
      expiresAt: certificate.expiresAt.toISOString(),
      fingerprint,
      action,
    });
  }
  return results;
}

/** Registers `byodkim import`. */
export function registerImport(program: Command): void {
  withTargetOptions(
    program
      .command('import')
      .description(
        "adopt the phase-based system's keys (dkim-certificates/<domain>/<selector>/private_key.pem) as ACTIVE/PREVIOUS, printing no key",
      )
      .requiredOption('--from-bucket <bucket>', 'the old bucket')
      .option('--prefix <prefix>', 'the old key prefix', 'dkim-certificates/')
      .option('--domain <domain>', 'import this domain only')
      .option('--dry-run', 'show what would be imported, write nothing'),
  ).action(async (options: ImportOptions) => {
    const target = await resolveTarget(options);
    try {
      const results = await importLegacyKeys(target, options);
      // A refused selector is not adopted: the run did not do all it was asked (exit 3).
      const refused = results.filter((result) => result.action === 'refused').length;
      if (refused > 0) {
        process.exitCode = EXIT.NOT_VERIFIED;
        process.stderr.write(
          `byodkim: ImportRefused: ${refused} of ${results.length} selector(s) refused, each with its reason in the output; fix them or leave them out (--domain).\n`,
        );
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(results)}\n`);
        return;
      }
      if (results.length === 0) console.log(`No keys under s3://${options.fromBucket}/${options.prefix}`);
      else
        printTable(
          ['DOMAIN', 'SELECTOR', 'STATE', 'BITS', 'EXPIRES', 'FINGERPRINT', 'ACTION'],
          results.map((result) => [
            result.domain,
            result.selector,
            result.state ?? '-',
            String(result.keyLength ?? '-'),
            result.expiresAt ?? '-',
            result.fingerprint ?? '-',
            result.reason ? `${result.action}: ${result.reason}` : result.action,
          ]),
        );
    } finally {
      target.close();
    }
  });
}
