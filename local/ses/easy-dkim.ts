/**
 * Easy DKIM as SES publishes it in DNS. SES gives a domain identity three tokens
 * (`DkimAttributes.Tokens`, origin `AWS_SES`); the domain publishes three CNAME records
 * `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`, and SES hosts the public key of
 * each token in its own zone, so receivers reach it through the CNAME. SES signs with
 * `d=<domain>; s=<token>`. (SES API Reference, VerifyDomainDkim and DkimAttributes; Developer Guide,
 * "Easy DKIM in Amazon SES".)
 */
import { randomBytes } from 'node:crypto';
import { dkimRecordName } from '../../shared/dkim/selector';

/** The zone where SES hosts the public keys of Easy DKIM tokens. */
export const EASY_DKIM_KEY_ZONE = 'dkim.amazonses.com';

/** How many tokens (and CNAME records) SES gives an Easy DKIM identity. */
export const EASY_DKIM_TOKEN_COUNT = 3;

/** One CNAME record the domain must publish for Easy DKIM. */
export interface EasyDkimCname {
  /** `<token>._domainkey.<domain>` */
  readonly name: string;
  /** `<token>.dkim.amazonses.com` */
  readonly target: string;
}

/** A TXT record SES serves in its own zone for a token: the key the CNAME points at. */
export interface HostedKeyRecord {
  /** `<token>.dkim.amazonses.com` */
  readonly name: string;
  /** `v=DKIM1; k=rsa; p=…` */
  readonly value: string;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * Three new tokens shaped like SES's: 32 characters of lower-case base32 (e.g.
 * `xtk53kxcy4p3t6ztbrffs6d54rsrrhh6`, as AWS's DKIM troubleshooting posts show them), each a valid
 * DKIM selector (one DNS label).
 */
export function newEasyDkimTokens(): string[] {
  return Array.from({ length: EASY_DKIM_TOKEN_COUNT }, () =>
    [...randomBytes(32)].map((byte) => BASE32[byte % 32]).join(''),
  );
}

/** Where SES hosts the key of `token`. */
export function hostedKeyName(token: string): string {
  return `${token}.${EASY_DKIM_KEY_ZONE}`;
}

/** The CNAME records `domain` must publish for `tokens`, in token order. */
export function easyDkimCnames(domain: string, tokens: readonly string[]): EasyDkimCname[] {
  return tokens.map((token) => ({ name: dkimRecordName(token, domain), target: hostedKeyName(token) }));
}
