import { createPublicKey, type KeyObject } from 'node:crypto';
import { publicKeyBase64 } from '../../shared/dkim/txt-record';
import type { Clock } from '../http';
import { SesError } from './errors';
import type { IsKeyPublished } from './key-publication';

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
  readonly selector: string;
  readonly at: number;
  /** Set when a forced outcome decides this switch. */
  readonly forced?: ForcedOutcome['status'];
}

interface DkimState {
  readonly origin: SigningAttributesOrigin;
  readonly key: SigningKey;
  readonly changedAt: number;
  readonly forced?: { readonly status: ForcedOutcome['status']; readonly at: number };
  status: DkimStatus;
  statusAt: number;
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
  refreshing?: Promise<void>;
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
  readonly isKeyPublished: IsKeyPublished;
  readonly easyDkimKey: SigningKey;
  readonly clock: Clock;
  /** How long SES keeps looking for the record before FAILED (SES: 72 hours). */
  readonly verificationWindowMs: number;
  /**
   * The earliest SES notices a served record after a switch (real SES takes minutes): keeps the
   * PENDING window visible to scenarios even when DNS was ready before the apply.
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
 * for the selector's record with that key and reports SUCCESS once it is served, FAILED when the
 * window passes first. Re-applying the key already in place is not a switch (status unchanged).
 */
export class DkimIdentities {
  readonly #identities = new Map<string, Identity>();
  readonly #switches: SigningSwitch[] = [];
  readonly #forced: { readonly outcome: ForcedOutcome; remaining: number }[];

  constructor(private readonly options: DkimIdentitiesOptions) {
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
    const type = identity.type;
    if (type === 'DOMAIN')
      this.#switch(identity, signing?.origin === 'EXTERNAL' ? signing : { origin: 'AWS_SES' });
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
    const key = signing.origin === 'EXTERNAL' ? signing.key : this.options.easyDkimKey;
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
    const key = signing.origin === 'EXTERNAL' ? signing.key : this.options.easyDkimKey;
    const current = identity.dkim;
    if (current && current.origin === signing.origin && keyId(current.key) === keyId(key)) return;
    this.#switch(identity, signing);
  }

  /** PutEmailIdentityDkimAttributes: turns signing on or off (the key stays). */
  setSigningEnabled(identity: Identity, enabled: boolean): void {
    if (identity.type !== 'DOMAIN') {
      throw new SesError('BadRequestException', 'DKIM signing can only be enabled for a domain identity.');
    }
    identity.signingEnabled = enabled;
  }

  /**
   * Brings a PENDING status up to date: forced outcome due, window passed (FAILED), or record
   * served (SUCCESS). Concurrent callers share one DNS check per identity.
   */
  refresh(identity: Identity): Promise<void> {
    const dkim = identity.dkim;
    if (dkim?.status !== 'PENDING') return Promise.resolve();
    if (identity.refreshing) return identity.refreshing;
    const run = async (): Promise<void> => {
      const now = this.options.clock();
      if (dkim.forced) {
        if (now >= dkim.forced.at) this.#settle(identity, dkim, dkim.forced.status);
        return;
      }
      // SES stops looking once the window is over, even if the record appears later.
      if (now >= dkim.changedAt + this.options.verificationWindowMs) {
        this.#settle(identity, dkim, 'FAILED');
        return;
      }
      if (now < dkim.changedAt + this.options.discoveryDelayMs) return;
      let published = false;
      try {
        published = await this.options.isKeyPublished(identity.name, dkim.key.selector, dkim.key.publicKey);
      } catch {
        published = false;
      }
      if (published && identity.dkim === dkim) this.#settle(identity, dkim, 'SUCCESS');
    };
    identity.refreshing = run().finally(() => {
      identity.refreshing = undefined;
    });
    return identity.refreshing;
  }

  /** Refreshes every PENDING identity (the background "SES keeps looking" loop). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.all().map((identity) => this.refresh(identity)));
  }

  /** The signing changes so far, oldest first. */
  switches(): readonly SigningSwitch[] {
    return [...this.#switches];
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

  #switch(
    identity: Identity,
    signing: { origin: 'EXTERNAL'; key: SigningKey } | { origin: SigningAttributesOrigin },
  ): void {
    const now = this.options.clock();
    const key = 'key' in signing ? signing.key : this.options.easyDkimKey;
    if (signing.origin === 'AWS_SES') identity.lastKeyGenerationAt = now;
    const isNewKey = !identity.succeededKeys.has(keyId(key));
    const rule = this.#forced.find(
      ({ outcome, remaining }) =>
        remaining > 0 &&
        (outcome.appliesTo === 'all-switches' || isNewKey) &&
        (outcome.region === undefined || outcome.region === identity.region) &&
        (outcome.identity === undefined || normaliseIdentity(outcome.identity) === identity.name) &&
        (outcome.selector === undefined || outcome.selector === key.selector) &&
        (outcome.origin === undefined || outcome.origin === signing.origin),
    );
    if (rule) rule.remaining -= 1;
    identity.dkim = {
      origin: signing.origin,
      key,
      changedAt: now,
      status: 'PENDING',
      statusAt: now,
      ...(rule ? { forced: { status: rule.outcome.status, at: now + rule.outcome.afterMs } } : {}),
    };
    this.#switches.push({
      region: identity.region,
      identity: identity.name,
      origin: signing.origin,
      selector: key.selector,
      at: now,
      ...(rule ? { forced: rule.outcome.status } : {}),
    });
  }

  #settle(identity: Identity, dkim: DkimState, status: DkimStatus): void {
    if (identity.dkim !== dkim || dkim.status !== 'PENDING') return;
    dkim.status = status;
    dkim.statusAt = this.options.clock();
    if (status === 'SUCCESS') {
      identity.verifiedForSending = true;
      identity.succeededKeys.add(keyId(dkim.key));
    }
  }
}
