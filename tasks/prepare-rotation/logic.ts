/**
 * PrepareRotation: validates the request against the configuration and records, per SES region,
 * the signing configuration rollback will restore (the previous external key, whose record is still
 * published, or Easy DKIM). Refuses a rotation it could not roll back. It learns that the previous
 * key is stored by listing the key's folder: this role may not read any private key.
 */
import { findDomainConfig } from '../../shared/config';
import { type ConfigSource, resolveConfig } from '../../shared/config-store';
import { normaliseDomain } from '../../shared/dkim/domain';
import { assertValidSelector } from '../../shared/dkim/selector';
import { DomainNotConfiguredError, InvalidInputError, KeyNotFoundError } from '../../shared/errors';
import { keyPresence } from '../../shared/rotation/key-presence';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { isEasyDkim, readSesSigning, type SesClientFor } from '../../shared/rotation/ses-signing';
import type { PreparedRotation, PrepareRotationInput, PreviousSigning } from '../../shared/rotation/state';

export interface PrepareRotationDeps extends BaseDeps, KeyStoreDeps {
  /** The configuration, or the deployed object's reader (read once per container). */
  readonly config: ConfigSource;
  readonly ses: SesClientFor;
}

const HOUR = 3600;
const DAY = 86_400;

export async function prepareRotation(
  input: PrepareRotationInput,
  deps: PrepareRotationDeps,
): Promise<PreparedRotation> {
  const request = input?.request;
  if (typeof request?.domain !== 'string' || typeof request.selector !== 'string') {
    throw new InvalidInputError(
      'PrepareRotation needs {"domain": "...", "selector": "..."} as execution input.',
    );
  }
  const domain = normaliseDomain(request.domain);
  const selector = assertValidSelector(request.selector);
  const config = await resolveConfig(deps.config);
  const settings = findDomainConfig(config, domain);
  if (settings === undefined) {
    throw new DomainNotConfiguredError(
      `${domain} is not in the deployed configuration: add it to infra/config/<stage>.json and deploy.`,
    );
  }
  if (!selector.startsWith(`${settings.selectorPrefix}-`)) {
    throw new InvalidInputError(
      `Selector ${selector} does not start with ${settings.selectorPrefix}- (the configured prefix of ${domain}).`,
    );
  }

  const previous: PreviousSigning[] = [];
  for (const region of settings.regions) {
    const signing = await readSesSigning(deps.ses, region, domain);
    if (signing.origin === 'EXTERNAL') {
      if (signing.selector === undefined) {
        throw new InvalidInputError(`SES in ${region} reports BYODKIM for ${domain} but no selector.`);
      }
      if (signing.selector === selector) {
        throw new InvalidInputError(
          `SES in ${region} already signs ${domain} with ${selector}: nothing to rotate; start a new rotation for a new selector.`,
        );
      }
      // RollbackSigning hands the private key to SES; ConfirmRollback and RetireOldKey take the
      // public key from the certificate. Both must be stored before anything changes.
      const stored = await keyPresence(deps, domain, signing.selector);
      const missing = [
        ...(stored.privateKey ? [] : ['private-key.pem']),
        ...(stored.certificate ? [] : ['certificate.pem']),
      ];
      if (missing.length > 0) {
        throw new KeyNotFoundError(
          `The key SES uses in ${region} (selector ${signing.selector}) lacks ${missing.join(' and ')} in s3://${deps.bucket}/dkim/${domain}/${signing.selector}/ (CERTIFICATE_NOT_FOUND): without it a rollback could not restore and confirm signing; import it first (byodkim import).`,
        );
      }
      previous.push({ region, origin: 'EXTERNAL', selector: signing.selector });
    } else if (isEasyDkim(signing.origin)) {
      previous.push({ region, origin: 'AWS_SES', originValue: signing.origin });
    } else {
      throw new InvalidInputError(
        `SES in ${region} reports an unknown DKIM origin ${signing.origin} for ${domain}.`,
      );
    }
  }

  const now = deps.clock();
  deps.logger.info('Rotation prepared', { domain, selector, previous });
  return {
    plan: {
      domain,
      selector,
      executionName: input.executionName,
      requestedBy: request.requestedBy ?? 'unknown',
      startedAt: now.toISOString(),
      regions: settings.regions,
      keyLength: settings.keyLength,
      certificateValidityDays: settings.certificateValidityDays,
      language: settings.language,
      rotationMode: settings.rotationMode,
      ...(settings.rotationMode === 'AUTO' && settings.hostedZoneId !== undefined
        ? { hostedZoneId: settings.hostedZoneId }
        : {}),
      reminderAfterSeconds: settings.reminderAfterHours * HOUR,
      maxReminders: settings.maxReminders,
      retentionSeconds: settings.retentionDays * DAY,
      opsContacts: settings.opsEmails,
      ...(settings.applyWindow !== undefined
        ? { applyWindow: { ...settings.applyWindow, timeZone: config.timeZone } }
        : {}),
      sesConfirmation: config.sesConfirmation,
    },
    previous,
    reminders: { count: 0 },
  };
}
