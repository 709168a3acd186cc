import type { SigningSwitch } from './identities';

/**
 * The longest time, over regions, that an identity went without a verified signing key because
 * of signing changes: from a change reaching SES while it signed (or the first change) until SES
 * next reported SUCCESS. SES sends mail unsigned all that time (AWS documents it for Easy DKIM →
 * BYODKIM; the stand-in does it for every change), so this is the window the operators place and
 * the run reports.
 *
 * - Changes in between (a rollback after FAILED, a new key while PENDING) extend the same window:
 *   mail stays unsigned until one of them reaches SUCCESS.
 * - A window that never reached SUCCESS counts until `endAt` (the end of the run).
 * - 0 when no switch is given (nothing changed).
 *
 * @param switches the stand-in's switch log (settle times included), any identities and regions
 * @param identity only this identity's switches count
 * @param endAt when the run ended, in ms since the epoch
 */
export function unsignedWindowMs(
  switches: readonly SigningSwitch[],
  identity: string,
  endAt: number,
): number {
  const byRegion = new Map<string, SigningSwitch[]>();
  for (const change of switches) {
    if (change.identity !== identity) continue;
    byRegion.set(change.region, [...(byRegion.get(change.region) ?? []), change]);
  }
  let longest = 0;
  for (const changes of byRegion.values()) {
    let openedAt: number | undefined;
    for (const change of [...changes].sort((a, b) => a.at - b.at)) {
      openedAt ??= change.at;
      if (change.settled?.status === 'SUCCESS') {
        longest = Math.max(longest, change.settled.at - openedAt);
        openedAt = undefined;
      }
    }
    if (openedAt !== undefined) longest = Math.max(longest, endAt - openedAt);
  }
  return longest;
}
