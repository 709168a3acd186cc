import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A string that must never be logged, serialised or interpolated by accident: `String()`,
 * template literals, `JSON.stringify` and `util.inspect` (hence console and Powertools logger)
 * all print `[redacted]`. Only {@link Secret.reveal} returns the value, at the one place that
 * hands it to an API.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value. Call it only where the value leaves for its one legitimate consumer. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
