/** Reading the configuration: validate (defaults applied), load a file, find one domain's settings. */
import { readFileSync } from 'node:fs';
import { normaliseDomain } from '../dkim/domain';
import { InvalidInputError } from '../errors';
import type { DomainConfig } from './domain-schema';
import { describeIssues } from './issues';
import { type RotationConfig, RotationConfigSchema } from './rotation-schema';

/**
 * Validates raw configuration (parsed JSON) and applies defaults.
 * @param source names the origin in the error (a file path), so the message says where to look.
 * @throws InvalidInputError listing every problem, one per line.
 */
export function parseConfig(raw: unknown, source = 'config'): RotationConfig {
  const result = RotationConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = describeIssues(result.error.issues);
    throw new InvalidInputError(`Invalid configuration in ${source}:\n  - ${lines.join('\n  - ')}`);
  }
  return result.data;
}

/** Reads and validates a JSON configuration file. */
export function loadConfig(path: string): RotationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Cannot read configuration ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, path);
}

/**
 * The settings of one domain.
 * Undefined when the domain is not configured (handlers turn that into DomainNotConfigured).
 */
export function findDomainConfig(config: RotationConfig, domain: string): DomainConfig | undefined {
  const wanted = normaliseDomain(domain);
  return config.domains.find((candidate) => candidate.domain === wanted);
}
