/**
 * Reading the JSON contracts the workflow keeps in the key store (DNS requests, approval records,
 * key metadata). Every reader checks the object against its schema, so an object edited by hand,
 * cut short or written by an unknown release fails at once with an InvalidInputError naming it,
 * instead of as a TypeError in whatever step next reads a missing field.
 */
import type { z } from 'zod';
import { describeIssues } from '../config';
import { InvalidInputError } from '../errors';

/** One stored JSON contract: its schema, and how errors name it. */
export interface StoredContract {
  /** The object, starting a sentence: `The DNS request`. */
  readonly title: string;
  /** What it should be, after "is not": `a DNS request`. */
  readonly kind: string;
  /** The root of field paths in problems: `request` gives `request.value = nothing: …`. */
  readonly root: string;
  /** The shape. It checks only (no defaults, no transforms): readers get the JSON as stored. */
  readonly schema: z.ZodType;
  /**
   * Top-level fields whose values never appear in an error (the approval's task token). A problem
   * with the object as a whole hides its value too, since that value holds these fields.
   * @default - every value may be shown
   */
  readonly secretFields?: readonly string[];
}

const NOT_SHOWN = '<not shown>';

/**
 * The object `body` read from `source` (`s3://<bucket>/<key>`), checked against `contract`.
 *
 * Returns the parsed JSON itself rather than the schema's output, whose key order follows the
 * schema: a read-modify-write (If-Match) then stores the fields in the order, and with the
 * fields, an earlier release wrote.
 * @throws InvalidInputError naming `source` when it is not JSON or not the contract
 */
export function parseStoredJson<T>(contract: StoredContract, body: string, source: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new InvalidInputError(`${contract.title} ${source} is not JSON: it was changed by hand.`, {
      cause,
    });
  }
  const parsed = contract.schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const secret = new Set(contract.secretFields ?? []);
    const issues =
      secret.size === 0
        ? parsed.error.issues
        : parsed.error.issues.map((issue) =>
            issue.path.length === 0 || secret.has(String(issue.path[0]))
              ? ({ ...issue, input: NOT_SHOWN } as z.core.$ZodIssue)
              : issue,
          );
    throw new InvalidInputError(
      `${contract.title} ${source} is not ${contract.kind}: ${describeIssues(issues, contract.root).join('; ')}`,
    );
  }
  return raw as T;
}
