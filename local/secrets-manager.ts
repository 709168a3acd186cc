/**
 * One Secrets Manager secret, locally: its versions and their staging labels, answered as
 * GetSecretValue answers (Secrets Manager API Reference, GetSecretValue).
 *
 * - Each version has a VersionId (a UUID); without VersionId or VersionStage the AWSCURRENT
 *   version is returned, with its VersionId and VersionStages.
 * - A new value (PutSecretValue, or the last step of a rotation) becomes AWSCURRENT; the version
 *   that was current becomes AWSPREVIOUS, and the label leaves the version that held it before.
 * - A staging label no version carries (AWSPREVIOUS before the first rotation) is
 *   ResourceNotFoundException: "Secrets Manager can't find the specified secret value for staging
 *   label: AWSPREVIOUS" (HTTP 400), as is an unknown VersionId.
 * - VersionId and VersionStage together are not modelled (the product never sends both).
 */
import { randomUUID } from 'node:crypto';
import { Secret } from '../shared/dkim/secret';

interface Version {
  readonly versionId: string;
  readonly value: Secret;
  readonly stages: Set<string>;
  readonly createdDate: Date;
}

/** GetSecretValue's output, as the stand-in answers it. */
export interface LocalSecretValue {
  readonly ARN: string;
  readonly Name: string;
  readonly VersionId: string;
  readonly SecretString: string;
  readonly VersionStages: string[];
  readonly CreatedDate: Date;
}

function notFound(message: string): Error {
  return Object.assign(new Error(message), {
    name: 'ResourceNotFoundException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A secret with staging labels. */
export class LocalSecret {
  readonly #versions: Version[] = [];

  constructor(
    readonly arn: string,
    value: string,
  ) {
    this.put(value);
  }

  /** PutSecretValue: the new version becomes AWSCURRENT, the old current AWSPREVIOUS. @returns its VersionId */
  put(value: string): string {
    const previous = this.#versions.find((version) => version.stages.has('AWSPREVIOUS'));
    previous?.stages.delete('AWSPREVIOUS');
    const current = this.#versions.find((version) => version.stages.has('AWSCURRENT'));
    if (current) {
      current.stages.delete('AWSCURRENT');
      current.stages.add('AWSPREVIOUS');
    }
    const version: Version = {
      versionId: randomUUID(),
      value: new Secret(value),
      stages: new Set(['AWSCURRENT']),
      createdDate: new Date(),
    };
    this.#versions.push(version);
    return version.versionId;
  }

  /**
   * UpdateSecretVersionStage with RemoveFromVersionId only: takes a label off its version (how an
   * operator stops AWSPREVIOUS from verifying anything after a leak).
   */
  removeStage(stage: string): void {
    for (const version of this.#versions) version.stages.delete(stage);
  }

  /** The value of the version holding `stage` (tests and the rehearsal's attackers). */
  valueOf(stage = 'AWSCURRENT'): { readonly versionId: string; readonly value: Secret } {
    const version = this.#versions.find((candidate) => candidate.stages.has(stage));
    if (!version)
      throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    return { versionId: version.versionId, value: version.value };
  }

  /** GetSecretValue on this secret. */
  getSecretValue(input: { VersionId?: string; VersionStage?: string }): LocalSecretValue {
    if (input.VersionId !== undefined && input.VersionStage !== undefined) {
      throw new Error('The Secrets Manager stand-in does not model VersionId and VersionStage together.');
    }
    const byId =
      input.VersionId === undefined
        ? undefined
        : this.#versions.find((version) => version.versionId === input.VersionId);
    if (input.VersionId !== undefined && byId === undefined) {
      throw notFound(
        `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`,
      );
    }
    const stage = input.VersionStage ?? (byId === undefined ? 'AWSCURRENT' : undefined);
    const byStage =
      stage === undefined ? undefined : this.#versions.find((version) => version.stages.has(stage));
    if (stage !== undefined && byStage === undefined) {
      throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    const version = (byStage ?? byId) as Version;
    return {
      ARN: this.arn,
      Name: this.arn.split(':').pop() ?? this.arn,
      VersionId: version.versionId,
      SecretString: version.value.reveal(),
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }
}
