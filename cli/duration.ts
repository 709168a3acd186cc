/** Durations on the command line: `500ms`, `2s`, `1.5s`, or a bare number of milliseconds. */
import { InvalidInputError } from '../shared/errors';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)?$/;

/**
 * Milliseconds of `text`, or undefined when it is undefined.
 * @throws InvalidInputError naming `flag` when it is not a positive duration of at most `maxMs`
 */
export function parseDuration(text: string | undefined, flag: string, maxMs = 60_000): number | undefined {
  if (text === undefined) return undefined;
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > maxMs) {
    throw new InvalidInputError(
      `${flag} must be a duration such as 500ms or 2s (at most ${maxMs / 1000}s), not "${text}".`,
    );
  }
  return Math.round(ms);
}
