/**
 * Reading and setting an SES identity's DKIM signing configuration, one region at a time.
 *
 * Used by PrepareRotation (what to roll back to), ApplyToSes, ConfirmSesStatus, RollbackSigning
 * and RetireOldKey. Every call goes through {@link callAws}: SES allows one identity request per
 * second per account and region, and a `TooManyRequestsException` is retried by the workflow with
 * full jitter.
 */
import {
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  PutEmailIdentityDkimAttributesCommand,
  PutEmailIdentityDkimSigningAttributesCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { Secret } from '../dkim/secret';
import { DomainNotConfiguredError, SesApplyFailedError, stableReason } from '../errors';
import { callAws, isTransientAwsError } from './aws-errors';

/** The DKIM signing configuration SES reports for an identity in one region. */
export interface SesSigning {
  readonly region: string;
  /** `EXTERNAL` (BYODKIM) or `AWS_SES…` (Easy DKIM). */
  readonly origin: string;
  /** The BYODKIM selector in use (SES returns it as the only token); undefined for Easy DKIM. */
  readonly selector?: string;
  /**
   * `DkimAttributes.Tokens` as SES returns them: the BYODKIM selector, or Easy DKIM's tokens, each
   * the selector of a CNAME `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`.
   */
  readonly tokens: readonly string[];
  /** PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED. */
  readonly status: string;
  readonly signingEnabled: boolean;
}

/** Gives the SES client of a region. */
export type SesClientFor = (region: string) => SESv2Client;

/** True for Easy DKIM origins (`AWS_SES`, `AWS_SES_AF_SOUTH_1`, …). */
export function isEasyDkim(origin: string): boolean {
  return origin.startsWith('AWS_SES');
}

/** Reads the identity's DKIM configuration. @throws DomainNotConfiguredError when the identity is absent. */
export async function readSesSigning(ses: SesClientFor, region: string, domain: string): Promise<SesSigning> {
  let output: GetEmailIdentityCommandOutput;
  try {
    output = await callAws(`SES GetEmailIdentity ${domain} in ${region}`, () =>
      ses(region).send(new GetEmailIdentityCommand({ EmailIdentity: domain })),
    );
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') {
      throw new DomainNotConfiguredError(
        `SES in ${region} has no identity ${domain}: create and verify it there, or remove ${region} from the domain's regions.`,
        { cause: error },
      );
    }
    throw error;
  }
  const dkim = output.DkimAttributes ?? {};
  const origin = String(dkim.SigningAttributesOrigin ?? 'AWS_SES');
  const tokens = dkim.Tokens ?? [];
  return {
    region,
    origin,
    selector: origin === 'EXTERNAL' ? tokens[0] : undefined,
    tokens,
    status: String(dkim.Status ?? 'NOT_STARTED'),
    signingEnabled: dkim.SigningEnabled === true,
  };
}

/** Turns a permanent SES refusal into SesApplyFailed (SES_UPDATE_FAILED); transient errors pass. */
function asApplyFailure(error: unknown, what: string): unknown {
  if (isTransientAwsError(error)) return error;
  return new SesApplyFailedError(`${what} was refused by SES (SES_UPDATE_FAILED): ${stableReason(error)}`, {
    cause: error,
  });
}

/** Makes SES sign with the external key `selector` and enables signing. */
export async function applyExternalKey(
  ses: SesClientFor,
  region: string,
  domain: string,
  selector: string,
  privateKey: Secret,
): Promise<void> {
  try {
    await callAws(`SES PutEmailIdentityDkimSigningAttributes ${domain} in ${region}`, () =>
      ses(region).send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: domain,
          SigningAttributesOrigin: 'EXTERNAL',
          SigningAttributes: {
            DomainSigningSelector: selector,
            DomainSigningPrivateKey: privateKey.reveal(),
          },
        }),
      ),
    );
  } catch (error) {
    throw asApplyFailure(error, `Applying selector ${selector} to ${domain} in ${region}`);
  }
  await enableSigning(ses, region, domain);
}

/** Returns the identity to Easy DKIM (`origin` as it was, e.g. `AWS_SES`) and enables signing. */
export async function applyEasyDkim(
  ses: SesClientFor,
  region: string,
  domain: string,
  origin: string,
): Promise<void> {
  try {
    await callAws(`SES PutEmailIdentityDkimSigningAttributes ${domain} in ${region}`, () =>
      ses(region).send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: domain,
          SigningAttributesOrigin: origin as 'AWS_SES',
        }),
      ),
    );
  } catch (error) {
    throw asApplyFailure(error, `Restoring Easy DKIM for ${domain} in ${region}`);
  }
  await enableSigning(ses, region, domain);
}

/** Turns DKIM signing on (SES keeps the signing attributes). */
export async function enableSigning(ses: SesClientFor, region: string, domain: string): Promise<void> {
  try {
    await callAws(`SES PutEmailIdentityDkimAttributes ${domain} in ${region}`, () =>
      ses(region).send(
        new PutEmailIdentityDkimAttributesCommand({ EmailIdentity: domain, SigningEnabled: true }),
      ),
    );
  } catch (error) {
    throw asApplyFailure(error, `Enabling DKIM signing for ${domain} in ${region}`);
  }
}
