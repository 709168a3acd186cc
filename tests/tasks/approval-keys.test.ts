/**
 * The approval signing keys: refused when short, re-read after a TTL, named in every link, and
 * both AWSCURRENT and AWSPREVIOUS verify, so a rotation keeps already-sent links working while a
 * second rotation (or removing AWSPREVIOUS) kills a leaked key everywhere within the TTL.
 * Secrets Manager is the local stand-in (local/secrets-manager.ts), answering as GetSecretValue does.
 */
import { createHmac } from 'node:crypto';
import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LocalSecret } from '../../local/secrets-manager';
import {
  APPROVAL_KEYS_TTL_MS,
  type ApprovalKeys,
  approvalKeysFrom,
  readApprovalKeys,
} from '../../shared/rotation/approval-keys';
import { approvalUrl, checkApprovalLink, csrfToken } from '../../shared/rotation/approval-links';

const ARN = 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:approval-AbCdEf';
const ID = '0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-11-21T00:00:00Z');
const EXPIRES = new Date(NOW.getTime() + 72 * 3600_000);
const strong = (fill: string) => fill.repeat(44).slice(0, 44);

/** A SecretsManagerClient whose GetSecretValue is the stand-in's, counting calls. */
function clientOf(secret: LocalSecret): SecretsManagerClient & { calls: number } {
  const client = {
    calls: 0,
    send: async (command: GetSecretValueCommand) => {
      client.calls += 1;
      const { VersionStage, VersionId } = command.input;
      return secret.getSecretValue({
        ...(VersionStage !== undefined ? { VersionStage } : {}),
        ...(VersionId !== undefined ? { VersionId } : {}),
      });
    },
  };
  return client as unknown as SecretsManagerClient & { calls: number };
}

function paramsOf(url: string) {
  const parsed = new URL(url);
  return {
    exp: parsed.searchParams.get('exp') ?? undefined,
    kv: parsed.searchParams.get('kv') ?? undefined,
    sig: parsed.searchParams.get('sig') ?? undefined,
  };
}

describe('approval signing keys', () => {
  it('refuses a secret under 32 bytes without ever naming its value', async () => {
    // GIVEN the secret's AWSCURRENT value is short (a hand-typed password)
    const secret = new LocalSecret(ARN, 'hunter2hunter2');
    // WHEN a function reads the keys
    const read = readApprovalKeys(clientOf(secret), ARN);
    // THEN it refuses with InvalidInput, naming the version and the minimum, not the value
    await expect(read).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/\(version [0-9a-f-]{36}\) is 14 bytes; at least 32/),
    });
    await expect(read).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2') });
  });

  it('reads AWSCURRENT alone before the first rotation (AWSPREVIOUS is ResourceNotFoundException)', async () => {
    const secret = new LocalSecret(ARN, strong('a'));
    const keys = await readApprovalKeys(clientOf(secret), ARN);
    expect(keys.current.version).toBe(secret.valueOf('AWSCURRENT').versionId);
    expect(keys.previous).toBeUndefined();
    expect(() => secret.getSecretValue({ VersionStage: 'AWSPREVIOUS' })).toThrow(
      expect.objectContaining({
        name: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
      }),
    );
  });

  it('keeps links sent before a rotation working, and kills them after a second rotation', async () => {
    // GIVEN a link signed before the secret was rotated
    const secret = new LocalSecret(ARN, strong('a'));
    const before = await readApprovalKeys(clientOf(secret), ARN);
    const link = paramsOf(approvalUrl('https://approve.example.jp', before.current, ID, EXPIRES));
    expect(link.kv).toBe(before.current.version);
    // WHEN the secret is rotated once: the link's key is AWSPREVIOUS
    secret.put(strong('b'));
    const once = await readApprovalKeys(clientOf(secret), ARN);
    // THEN it still verifies, and the page's form is bound to that same key
    const checked = checkApprovalLink(once, ID, link, NOW);
    expect(checked).toMatchObject({
      ok: true,
      linkKey: { key: { version: before.current.version }, legacy: false },
    });
    // AND after a second rotation (the leaked key retired) the same link is refused
    secret.put(strong('c'));
    const twice = await readApprovalKeys(clientOf(secret), ARN);
    expect(checkApprovalLink(twice, ID, link, NOW)).toEqual({ ok: false, reason: 'forged' });
    // AND so it is when the operators take AWSPREVIOUS off instead
    secret.removeStage('AWSPREVIOUS');
    const removed = await readApprovalKeys(clientOf(secret), ARN);
    expect(removed.previous).toBeUndefined();
  });

  it('binds the key version into the signature: a link cannot claim another version or drop it', async () => {
    const secret = new LocalSecret(ARN, strong('a'));
    const first = await readApprovalKeys(clientOf(secret), ARN);
    secret.put(strong('b'));
    const keys = await readApprovalKeys(clientOf(secret), ARN);
    const link = paramsOf(approvalUrl('https://approve.example.jp', keys.current, ID, EXPIRES));
    expect(checkApprovalLink(keys, ID, { ...link, kv: first.current.version }, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    const { kv: _kv, ...withoutVersion } = link;
    expect(checkApprovalLink(keys, ID, { ...withoutVersion, kv: undefined }, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('accepts a link minted before key versions (no kv) until its own expiry, with a legacy CSRF token', () => {
    // GIVEN a link of the previous format: HMAC over "link\n<id>\n<exp>" with the then-current key
    const keys: ApprovalKeys = {
      current: { version: 'v-new', secret: { reveal: () => strong('n') } as never },
      previous: { version: 'v-old', secret: { reveal: () => strong('o') } as never },
    };
    const exp = Math.floor(EXPIRES.getTime() / 1000);
    const sig = createHmac('sha256', strong('o')).update(`link\n${ID}\n${exp}`).digest('base64url');
    // WHEN it is checked now, and after its expiry
    const checked = checkApprovalLink(keys, ID, { exp: String(exp), kv: undefined, sig }, NOW);
    const later = checkApprovalLink(
      keys,
      ID,
      { exp: String(exp), kv: undefined, sig },
      new Date(EXPIRES.getTime() + 1),
    );
    // THEN it verifies against AWSPREVIOUS as a legacy link, and its form's CSRF token leaves the version out
    expect(checked).toMatchObject({ ok: true, linkKey: { key: { version: 'v-old' }, legacy: true } });
    if (!checked.ok) throw new Error('unreachable');
    expect(csrfToken(checked.linkKey, ID, exp)).toBe(
      createHmac('sha256', strong('o')).update(`csrf\n${ID}\n${exp}`).digest('base64url'),
    );
    expect(later).toEqual({ ok: false, reason: 'expired' });
  });

  it('re-reads the keys after the TTL, so a rotation reaches a warm container', async () => {
    // GIVEN a warm container that read the keys once
    const secret = new LocalSecret(ARN, strong('a'));
    const client = clientOf(secret);
    let now = 0;
    const keys = approvalKeysFrom(ARN, client, { now: () => now });
    const first = await keys();
    await keys();
    expect(client.calls).toBe(2); // AWSCURRENT + AWSPREVIOUS, once
    // WHEN the secret is rotated and the TTL passes
    secret.put(strong('b'));
    now = APPROVAL_KEYS_TTL_MS - 1;
    expect((await keys()).current.version).toBe(first.current.version);
    now = APPROVAL_KEYS_TTL_MS;
    const after = await keys();
    // THEN the container signs with the new version and still verifies the old one
    expect(after.current.version).not.toBe(first.current.version);
    expect(after.previous?.version).toBe(first.current.version);
  });
});
