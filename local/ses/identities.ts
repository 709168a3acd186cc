import { createPublicKey, type KeyObject } from 'node:crypto';
import { dkimTxtValue, publicKeyBase64 } from '../../shared/dkim/txt-record';
import type { Clock } from '../http';
import {
  type EasyDkimCname,
  easyDkimCnames,
  type HostedKeyRecord,
  hostedKeyName,
  newEasyDkimTokens,
} from './easy-dkim';
import { SesError } from './errors';
import type { IsCnamePublished, IsKeyPublished } from './key-publication';

/** DKIM statuses SES reports (DkimStatus in the SES v2 API). */
export type DkimStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED';
/** Who holds the signing key: SES (Easy DKIM) or the domain owner (BYODKIM). */
export type SigningAttributesOrigin = 'AWS_SES' | 'EXTERNAL';
/** Key lengths as the SES API spells them. */
export type DkimSigningKeyLength = 'RSA_1024_BIT' | 'RSA_2048_BIT';

/** A signing key and the selector its record lives under. */
export interface SigningKey {
  readonly selector: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyLength: number;
}

/** Builds a {@link SigningKey} from a private key. */
export function signingKey(selector: string, privateKey: KeyObject): SigningKey {
  return {
    selector,
    privateKey,
    publicKey: createPublicKey(privateKey),
    keyLength: privateKey.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

/**
 * A verification outcome SES will report for a key regardless of DNS, after `afterMs`; scenarios
 * use it to rehearse SES FAILED (and the rollback it causes) without breaking the zone.
 */
export interface ForcedOutcome {
  readonly status: 'SUCCESS' | 'FAILED' | 'TEMPORARY_FAILURE';
  /** Milliseconds after the switch. */
  readonly afterMs: number;
  /**
   * `new-keys` (default): only keys that never reached SUCCESS on the identity, so a rollback to
   * the previous key is verified against DNS as usual. `all-switches`: every switch.
   */
  readonly appliesTo?: 'new-keys' | 'all-switches';
  /** Only this region / identity / selector / origin. @default - any */
  readonly region?: string;
  readonly identity?: string;
  readonly selector?: string;
  readonly origin?: SigningAttributesOrigin;
  /** How many switches it applies to. @default - unlimited */
  readonly times?: number;
}

/** One change of signing key, for scenarios and assertions (never carries key material). */
export interface SigningSwitch {
  readonly region: string;
  readonly identity: string;
  readonly origin: SigningAttributesOrigin;
  /** The BYODKIM selector, or for Easy DKIM the token SES signs with. */
  readonly selector: string;
  /** When the change reached SES (PENDING from then on). */
  readonly at: number;
  /** Set when a forced outcome decides this switch. */
  readonly forced?: ForcedOutcome['status'];
  /**
   * When PENDING ended and how. Absent while PENDING, and for a switch replaced by another one
   * before it settled (SES never reports on a configuration it no longer has).
   */
  readonly settled?: { readonly status: Exclude<DkimStatus, 'PENDING'>; readonly at: number };
}

interface DkimState {
  readonly origin: SigningAttributesOrigin;
  readonly key: SigningKey;
  readonly changedAt: number;
  readonly forced?: { readonly status: ForcedOutcome['status']; readonly at: number };
  status: DkimStatus;
  statusAt: number;
  /** When SES first found the record(s) served after this switch (the delay runs from then). */
  servedSeenAt?: number;
  /** This state's entry in the switch log (seeded states have none). */
  readonly switchIndex?: number;
  /** The DNS check in flight for this state: concurrent callers share it. */
  refreshing?: Promise<void>;
}

/** An identity in one region. */
export interface Identity {
  readonly region: string;
  readonly name: string;
  readonly type: 'DOMAIN' | 'EMAIL_ADDRESS';
  readonly createdAt: number;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  /** Absent for email-address identities, which sign with their domain's DKIM. */
  dkim?: DkimState;
  signingEnabled: boolean;
  verifiedForSending: boolean;
  /** `<selector>:<public key>` of every key that reached SUCCESS here (rollback targets). */
  readonly succeededKeys: Set<string>;
  /** Easy DKIM's next key length, as last set. */
  nextSigningKeyLength: DkimSigningKeyLength;
  /** When SES (the stand-in) last "generated" the Easy DKIM key for this identity. */
  lastKeyGenerationAt: number;
  /**
   * The identity's three Easy DKIM tokens in this region, from the first time it used Easy DKIM
   * (regions give their own tokens unless DEED replicates them). Kept when the identity moves to
   * BYODKIM and back, so restoring Easy DKIM needs the same CNAME records.
   */
  easyDkimTokens?: readonly string[];
}

/** A read-only view of an identity's signing state, for the runner's summary and for tests. */
export interface IdentitySnapshot {
  readonly region: string;
  readonly identity: string;
  readonly type: 'DOMAIN' | 'EMAIL_ADDRESS';
  readonly origin?: SigningAttributesOrigin;
  readonly selector?: string;
  readonly status: DkimStatus;
  readonly signingEnabled: boolean;
  readonly verifiedForSending: boolean;
  readonly keyLength?: number;
  /** The public key SES signs with once SUCCESS (to compare with DNS); never the private key. */
  readonly publicKey?: KeyObject;
}

/** Options of {@link DkimIdentities}. */
export interface DkimIdentitiesOptions {
  /** BYODKIM: whether the selector's TXT record with the key is served. */
  readonly isKeyPublished: IsKeyPublished;
  /** Easy DKIM: whether one of the identity's CNAME records is served. */
  readonly isCnamePublished: IsCnamePublished;
  /**
   * The stand-in's "AWS" private key, which every Easy DKIM token signs with. Real SES holds one
   * key per token; which of them signs is invisible to the rotation, so one key stands in for all.
   */
  readonly easyDkimPrivateKey: KeyObject;
  /** Publishes the key of new tokens in SES's zone (`<token>.dkim.amazonses.com` TXT). */
  readonly hostEasyDkimKeys: (records: readonly HostedKeyRecord[]) => void;
  readonly clock: Clock;
  /** How long SES keeps looking for the record before FAILED (SES: 72 hours). */
  readonly verificationWindowMs: number;
  /**
   * How long SES stays PENDING after it first finds the record(s) served (real SES takes
   * minutes): after a switch whose record was already served, this long after the switch.
   */
  readonly discoveryDelayMs: number;
  readonly forcedOutcomes: readonly ForcedOutcome[];
}

function keyId(key: SigningKey): string {
  return `${key.selector}:${publicKeyBase64(key.publicKey)}`;
}

function identityKey(region: string, name: string): string {
  return `${region}\n${name}`;
}

/** Normalises an identity name as SES does: domains are case-insensitive. */
export function normaliseIdentity(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The identities and their DKIM state machine, per region. Pure apart from the injected clock
 * and `isKeyPublished`: the HTTP layer maps calls and errors, this decides statuses.
 *
 * Status rules, as SES behaves: a switch to another key (or origin) sets PENDING; SES then looks
 * for the record — BYODKIM: the selector's TXT with that key; Easy DKIM: the identity's three
 * CNAME records — and reports SUCCESS `discoveryDelayMs` after it first finds it served, FAILED
 * when the verification window passes first. SES looks once at the switch itself, so a record
 * served before the change gives SUCCESS `discoveryDelayMs` after the change. Re-applying the
 * configuration already in place is not a switch (status unchanged).
 */
export class DkimIdentities {
  readonly #identities = new Map<string, Identity>();
  readonly #switches: SigningSwitch[] = [];
  readonly #forced: { readonly outcome: ForcedOutcome; remaining: number }[];
  readonly #easyDkimPublicKey: KeyObject;

  constructor(private readonly options: DkimIdentitiesOptions) {
    this.#easyDkimPublicKey = createPublicKey(options.easyDkimPrivateKey);
    this.#forced = options.forcedOutcomes.map((outcome) => ({
      outcome,
      remaining: outcome.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** Adds a forced outcome for switches from now on. */
  addForcedOutcome(outcome: ForcedOutcome): void {
    this.#forced.push({ outcome, remaining: outcome.times ?? Number.POSITIVE_INFINITY });
  }

  /** Creates an identity (CreateEmailIdentity). */
  create(
    region: string,
    name: string,
    signing: { origin: 'EXTERNAL'; key: SigningKey } | { origin: 'AWS_SES' } | undefined,
    tags: Identity['tags'] = [],
  ): Identity {
    if (this.#identities.has(identityKey(region, name))) {
      throw new SesError('AlreadyExistsException', `Email identity ${name} already exist.`);
    }
    const identity = this.#add(region, name, tags);
    if (identity.type === 'DOMAIN') {
      if (signing?.origin === 'EXTERNAL') this.#switch(identity, 'EXTERNAL', signing.key);
      else this.#switch(identity, 'AWS_SES', this.#easyKey(identity));
    }
    return identity;
  }

  /**
   * Puts an identity straight into a verified signing state, as if it had been set up long ago
   * (scenarios start from "the domain already signs with key X").
   */
  seed(
    region: string,
    name: string,
    signing: { origin: 'EXTERNAL'; key: SigningKey } | { origin: 'AWS_SES' },
    signingEnabled = true,
  ): Identity {
    // Seeding is history, not a switch: no PENDING period, no forced outcome consumed.
    const identity = this.#identities.get(identityKey(region, name)) ?? this.#add(region, name, []);
    const key = signing.origin === 'EXTERNAL' ? signing.key : this.#easyKey(identity);
    const now = this.options.clock();
    identity.dkim = { origin: signing.origin, key, changedAt: now, status: 'SUCCESS', statusAt: now };
    identity.signingEnabled = signingEnabled;
    identity.verifiedForSending = true;
    identity.succeededKeys.add(keyId(key));
    return identity;
  }

  /** The identity, or NotFoundException as SES answers. */
  get(region: string, name: string): Identity {
    const identity = this.#identities.get(identityKey(region, name));
    if (!identity) throw new SesError('NotFoundException', `Email identity ${name} does not exist.`);
    return identity;
  }

  /** The identity or undefined. */
  find(region: string, name: string): Identity | undefined {
    return this.#identities.get(identityKey(region, name));
  }

  /** Deletes an identity (DeleteEmailIdentity). */
  delete(region: string, name: string): void {
    this.get(region, name);
    this.#identities.delete(identityKey(region, name));
  }

  /** Identities of a region, by name. */
  list(region: string): Identity[] {
    return [...this.#identities.values()]
      .filter((identity) => identity.region === region)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every identity in every region. */
  all(): Identity[] {
    return [...this.#identities.values()];
  }

  /** PutEmailIdentityDkimSigningAttributes: switches key and origin. */
  putSigning(
    identity: Identity,
    signing:
      | { origin: 'EXTERNAL'; key: SigningKey }
      | { origin: 'AWS_SES'; nextKeyLength?: DkimSigningKeyLength },
  ): void {
    if (identity.type !== 'DOMAIN') {
      throw new SesError(
        'BadRequestException',
        'DKIM signing attributes can only be set for a domain identity.',
      );
    }
    if (signing.origin === 'AWS_SES' && signing.nextKeyLength)
      identity.nextSigningKeyLength = signing.nextKeyLength;
    const key = signing.origin === 'EXTERNAL' ? signing.key : this.#easyKey(identity);
    const current = identity.dkim;
    if (current && current.origin === signing.origin && keyId(current.key) === keyId(key)) return;
    this.#switch(identity, signing.origin, key);
  }

  /**
   * The Easy DKIM CNAME records of an identity in one region (empty when it never used Easy
   * DKIM there).
   */
  easyDkimCnames(identity: Identity): EasyDkimCname[] {
    return easyDkimCnames(identity.name, identity.easyDkimTokens ?? []);
  }

  /** PutEmailIdentityDkimAttributes: turns signing on or off (the key stays). */
  setSigningEnabled(identity: Identity, enabled: boolean): void {
    if (identity.type !== 'DOMAIN') {
      throw new SesError('BadRequestException', 'DKIM signing can only be enabled for a domain identity.');
    }
    identity.signingEnabled = enabled;
  }

  /**
   * Brings a PENDING status up to date: forced outcome due, record first seen served, SUCCESS
   * once the discovery delay has passed since, or FAILED when the window passes before SES ever
   * saw the record. Concurrent callers share one DNS check per switch.
   */
  refresh(identity: Identity): Promise<void> {
    const dkim = identity.dkim;
    if (dkim?.status !== 'PENDING') return Promise.resolve();
    if (dkim.refreshing) return dkim.refreshing;
    const run = async (): Promise<void> => {
      const now = this.options.clock();
      if (dkim.forced) {
        if (now >= dkim.forced.at) this.#settle(identity, dkim, dkim.forced.status, dkim.forced.at);
        return;
      }
      if (dkim.servedSeenAt === undefined) {
        // SES stops looking once the window is over, even if the record appears later.
        const windowEnd = dkim.changedAt + this.options.verificationWindowMs;
        if (now >= windowEnd) {
          this.#settle(identity, dkim, 'FAILED', windowEnd);
          return;
        }
        if (!(await this.#isServed(identity, dkim))) return;
        // When SES looked, not when the answer came back: a record served at the switch is seen at it.
        dkim.servedSeenAt ??= now;
      }
      const verifiedAt = dkim.servedSeenAt + this.options.discoveryDelayMs;
      if (this.options.clock() >= verifiedAt) this.#settle(identity, dkim, 'SUCCESS', verifiedAt);
    };
    dkim.refreshing = run().finally(() => {
      dkim.refreshing = undefined;
    });
    return dkim.refreshing;
  }

  /** Refreshes every PENDING identity (the background "SES keeps looking" loop). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.all().map((identity) => this.refresh(identity)));
  }

  /** The signing changes so far, oldest first, each with its settle time once PENDING ended. */
  switches(): readonly SigningSwitch[] {
    return this.#switches.map((change) => ({ ...change }));
  }

  /** A read-only view of an identity. */
  snapshot(identity: Identity): IdentitySnapshot {
    const dkim = identity.dkim;
    return {
      region: identity.region,
      identity: identity.name,
      type: identity.type,
      status: dkim?.status ?? 'NOT_STARTED',
      signingEnabled: identity.signingEnabled,
      verifiedForSending: identity.verifiedForSending,
      ...(dkim
        ? {
            origin: dkim.origin,
            selector: dkim.key.selector,
            keyLength: dkim.key.keyLength,
            publicKey: dkim.key.publicKey,
          }
        : {}),
    };
  }

  #add(region: string, name: string, tags: Identity['tags']): Identity {
    const now = this.options.clock();
    const type = name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN';
    const identity: Identity = {
      region,
      name,
      type,
      createdAt: now,
      tags,
      signingEnabled: type === 'DOMAIN',
      // Email addresses are verified by a click in a mail; the stand-in has nobody to click.
      verifiedForSending: type === 'EMAIL_ADDRESS',
      succeededKeys: new Set(),
      nextSigningKeyLength: 'RSA_2048_BIT',
      lastKeyGenerationAt: now,
    };
    this.#identities.set(identityKey(region, name), identity);
    return identity;
  }

  /** The identity's Easy DKIM signing key: the stand-in key under its first token. */
  #easyKey(identity: Identity): SigningKey {
    if (!identity.easyDkimTokens) {
      const tokens = newEasyDkimTokens();
      identity.easyDkimTokens = tokens;
      // SES hosts each token's key as soon as it hands out the token.
      const value = dkimTxtValue(this.#easyDkimPublicKey);
      this.options.hostEasyDkimKeys(tokens.map((token) => ({ name: hostedKeyName(token), value })));
    }
    return {
      selector: identity.easyDkimTokens[0] as string,
      privateKey: this.options.easyDkimPrivateKey,
      publicKey: this.#easyDkimPublicKey,
      keyLength: this.options.easyDkimPrivateKey.asymmetricKeyDetails?.modulusLength ?? 0,
    };
  }

  /** Whether the record(s) SES looks for after this switch are served; a DNS error is "not yet". */
  async #isServed(identity: Identity, dkim: DkimState): Promise<boolean> {
    try {
      if (dkim.origin === 'EXTERNAL')
        return await this.options.isKeyPublished(identity.name, dkim.key.selector, dkim.key.publicKey);
      const served = await Promise.all(
        this.easyDkimCnames(identity).map((record) =>
          this.options.isCnamePublished(record.name, record.target),
        ),
      );
      return served.length > 0 && served.every(Boolean);
    } catch {
      return false;
    }
  }

  #switch(identity: Identity, origin: SigningAttributesOrigin, key: SigningKey): void {
    const now = this.options.clock();
    if (origin === 'AWS_SES') identity.lastKeyGenerationAt = now;
    const isNewKey = !identity.succeededKeys.has(keyId(key));
    const rule = this.#forced.find(
      ({ outcome, remaining }) =>
        remaining > 0 &&
        (outcome.appliesTo === 'all-switches' || isNewKey) &&
        (outcome.region === undefined || outcome.region === identity.region) &&
        (outcome.identity === undefined || normaliseIdentity(outcome.identity) === identity.name) &&
        (outcome.selector === undefined || outcome.selector === key.selector) &&
        (outcome.origin === undefined || outcome.origin === origin),
    );
    if (rule) rule.remaining -= 1;
    identity.dkim = {
      origin,
      key,
      changedAt: now,
      status: 'PENDING',
      statusAt: now,
      switchIndex: this.#switches.length,
      ...(rule ? { forced: { status: rule.outcome.status, at: now + rule.outcome.afterMs } } : {}),
    };
    this.#switches.push({
      region: identity.region,
      identity: identity.name,
      origin,
      selector: key.selector,
      at: now,
      ...(rule ? { forced: rule.outcome.status } : {}),
    });
    // SES looks right away: a record already served is seen at the switch itself.
    this.refresh(identity).catch(() => undefined);
  }

  /**
   * Ends PENDING. `at` is when the status took effect (the discovery delay's end, the window's,
   * the forced outcome's), which may be a little before the refresh that noticed: every caller
   * (GetEmailIdentity, SendEmail) refreshes first, so nobody saw PENDING after `at`.
   */
  #settle(identity: Identity, dkim: DkimState, status: Exclude<DkimStatus, 'PENDING'>, at: number): void {
    if (identity.dkim !== dkim || dkim.status !== 'PENDING') return;
    dkim.status = status;
    dkim.statusAt = at;
    const logged = dkim.switchIndex === undefined ? undefined : this.#switches[dkim.switchIndex];
    if (logged && dkim.switchIndex !== undefined)
      this.#switches[dkim.switchIndex] = { ...logged, settled: { status, at: dkim.statusAt } };
    if (status === 'SUCCESS') {
      identity.verifiedForSending = true;
      identity.succeededKeys.add(keyId(dkim.key));
    }
  }
}
