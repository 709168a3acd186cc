import { MAX_DOMAIN_NAME_LENGTH } from '../../shared/dkim/domain';
import {
  executionName,
  isExecutionNameOf,
  MAX_EXECUTION_NAME_LENGTH,
} from '../../shared/rotation/execution-name';

/** A domain of exactly `length` characters: 63-character labels, then a shorter one, then `.jp`. */
function domainOf(length: number): string {
  const labels: string[] = [];
  let left = length - '.jp'.length;
  while (left > 0) {
    const size = Math.min(63, left);
    labels.push('a'.repeat(size));
    left -= size + 1; // the dot before the next label
  }
  return `${labels.join('.')}.jp`;
}

// The characters CloudWatch Logs accepts in execution names, a subset of what StartExecution takes.
const LOGGABLE_NAME = /^[0-9A-Za-z_-]{1,80}$/;
const SELECTOR = 'gooid-21-pro-20261120-1';
const LONGEST_SELECTOR = `${'s'.repeat(50)}-20261120-1`.padEnd(63, '0');

describe('execution names', () => {
  const longest = domainOf(MAX_DOMAIN_NAME_LENGTH);

  it('names a 253-character domain within 80 loggable characters, the same every time', () => {
    // GIVEN the longest domain name DNS allows, and the shortest and longest selectors
    expect(longest).toHaveLength(253);
    for (const selector of ['a', SELECTOR, LONGEST_SELECTOR]) {
      // WHEN it is named twice
      const name = executionName(longest, selector);
      // THEN the name fits Step Functions' limit and character set, is stable and ends in the selector
      expect(name.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME_LENGTH);
      expect(name).toMatch(LOGGABLE_NAME);
      expect(executionName(longest.toUpperCase(), selector)).toBe(name);
      expect(name.endsWith(`-${selector}`)).toBe(true);
    }
    expect(LONGEST_SELECTOR).toHaveLength(63);
  });

  it('keeps a short pair readable: <domain-slug>-<selector>', () => {
    expect(executionName('mail.example.jp', SELECTOR)).toBe(`mail-example-jp-${SELECTOR}`);
  });

  it("finds a long domain's executions by the same function, and never another domain's", () => {
    // GIVEN two 253-character domains that differ only in their last label
    const other = `${longest.slice(0, -3)}.co`;
    const name = executionName(longest, LONGEST_SELECTOR);
    // THEN the name is the long domain's, whatever its selector, and not the other's
    expect(isExecutionNameOf(name, longest)).toBe(true);
    expect(isExecutionNameOf(executionName(longest, 'a'), longest)).toBe(true);
    expect(isExecutionNameOf(name, other)).toBe(false);
    expect(isExecutionNameOf(executionName(other, LONGEST_SELECTOR), longest)).toBe(false);
    // and a short domain's names are found as before, a prefix alone is not enough
    expect(isExecutionNameOf(`mail-example-jp-${SELECTOR}`, 'mail.example.jp')).toBe(true);
    expect(isExecutionNameOf(`mail-example-jp-${SELECTOR}`, 'example.jp')).toBe(false);
    expect(isExecutionNameOf('mail-example-jp', 'mail.example.jp')).toBe(false);
  });
});
