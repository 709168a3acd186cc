/**
 * What the DKIM probe's `unsigned` count means, said where it is printed: a reader who sees
 * "3 unsigned" must learn at once that it is expected, when it happened and for how long.
 *
 * SES may send a domain's mail unsigned while a signing change is PENDING, until it finds the
 * record and reports SUCCESS (SES Developer Guide, "Provide your own DKIM authentication token
 * (BYODKIM)": documented for Easy DKIM → BYODKIM; ../../shared/AWS_FACTS.md assumes it for every
 * BYODKIM change). The SES stand-in does so, and the probe, sending at every state entered, sees it.
 * Unsigned mail outside that window would be a defect, and is said to be one.
 */
import type { ProbeResult } from '../probe';

/** The states (probe labels) in which probe mail went out unsigned, first occurrence order. */
export function unsignedStates(results: readonly Pick<ProbeResult, 'outcome' | 'label'>[]): string[] {
  const labels = results
    .filter((result) => result.outcome === 'unsigned')
    .map((result) => result.label ?? '?');
  return [...new Set(labels)];
}

/** One line explaining the unsigned count: where, why, how long (the measured window). */
export function explainUnsigned(
  unsigned: number,
  unsignedIn: readonly string[],
  unsignedWindowMs: number,
): string {
  const window = `${(unsignedWindowMs / 1000).toFixed(2)}s`;
  if (unsigned === 0) {
    return unsignedWindowMs > 0
      ? `no probe went out unsigned, although SES held a signing change PENDING for ${window} (the probe sends only as states are entered)`
      : 'no probe went out unsigned: SES never held a signing change PENDING';
  }
  const where = unsignedIn.join(', ');
  if (unsignedWindowMs === 0) {
    return `${unsigned} unsigned while no signing change was PENDING (in ${where}): a defect, SES should have signed`;
  }
  return `${unsigned} unsigned in ${where}: SES sends mail unsigned while a signing change is PENDING, until it finds the record and reports SUCCESS; that window lasted ${window} (unsignedWindowMs)`;
}
