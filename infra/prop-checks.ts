import { Token } from 'aws-cdk-lib';

/**
 * Checks shared by the constructs' props validation: each pushes one line naming the prop, the
 * value and what is allowed, and skips unresolved tokens.
 */
export function checkNamePrefix(value: string | undefined, problems: string[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(value)) {
    problems.push(
      `props.namePrefix = "${value}": must be 1-40 lower-case letters, digits or hyphens, starting with a letter`,
    );
  }
}

/** Lambda memory in MiB. */
export function checkMemorySize(value: number | undefined, problems: string[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < 128 || value > 10_240) {
    problems.push(`props.memorySize = ${value}: must be a whole number of MiB from 128 to 10240`);
  }
}
