/**
 * The AWS dependencies of one principal of the stack — a task's role, the approval endpoint's,
 * the monitor's, or the operators' — pointed at the stand-ins and signed with that principal's
 * access key, so the local IAM evaluates every call as the deployed role would be evaluated.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { deployedConfigSource } from '../../shared/config-store';
import { approvalKeysOf } from '../../shared/rotation/lambda-kit';
import type { LocalAws } from '../aws-stand-ins';
import type { AwsCall, LocalIam } from '../iam/local-iam';
import { accessKeyOf, credentialsOf } from '../iam/principals';
import { LOCAL_ACCOUNT } from '../iam/template-resolver';
import type { LocalSecret } from '../secrets-manager';
import type { LocalOutbox } from './outbox';
import type { LocalTaskDeps } from './task-wiring';

/** What every principal shares: the stand-ins, the configuration and the resource names. */
export interface SharedDeps
  extends Omit<
    LocalTaskDeps,
    's3' | 'ses' | 'dnsTeam' | 'operators' | 'approvalKeys' | 'sfn' | 'route53' | 'config'
  > {
  readonly aws: LocalAws;
  readonly outbox: LocalOutbox;
  readonly iam: LocalIam;
  /** Key of the deployed configuration object each principal reads (with its own role). */
  readonly configKey: () => string;
  readonly region: string;
  readonly topics: { readonly dnsTeam: string; readonly operators: string };
  /** The approval secret (Secrets Manager, with its versions) and the KMS key encrypting it. */
  readonly secret: { readonly secret: LocalSecret; readonly keyArn: string | undefined };
  /** Endpoints of the servers started after the task handlers were made. */
  readonly endpoints: () => { readonly sfn: string; readonly route53: string };
}

/** Builds (once per principal) the dependencies a principal's code runs with. */
export class PrincipalClients {
  readonly #deps = new Map<string, LocalTaskDeps>();
  readonly #destroy: Array<() => void> = [];

  constructor(private readonly shared: SharedDeps) {}

  /** The dependencies of `principal` (a state name, `ApprovalEndpoint`, `Monitor`, `Operator`). */
  as(principal: string): LocalTaskDeps {
    const known = this.#deps.get(principal);
    if (known) return known;
    const shared = this.shared;
    const { aws, outbox, topics } = shared;
    const {
      aws: _aws,
      outbox: _outbox,
      iam: _iam,
      region,
      topics: _topics,
      secret,
      endpoints,
      configKey,
      ...common
    } = shared;
    const accessKeyId = accessKeyOf(principal);
    const sns = outbox.clientFor(accessKeyId);
    // Made on first use: the Step Functions and Route 53 stand-ins start after the task handlers.
    const lazily = <T extends { destroy(): void }>(create: () => T): (() => T) => {
      let client: T | undefined;
      return () => {
        if (client === undefined) {
          const created = create();
          this.#destroy.push(() => created.destroy());
          client = created;
        }
        return client;
      };
    };
    const credentials = credentialsOf(principal);
    const sfn = lazily(() => new SFNClient({ endpoint: endpoints().sfn, region: 'local', credentials }));
    const route53 = lazily(
      () => new Route53Client({ endpoint: endpoints().route53, region: 'us-east-1', credentials }),
    );
    const s3 = aws.s3Client(region, principal);
    const deps: LocalTaskDeps = {
      ...common,
      s3,
      // The key is known once the environment has written the object: resolved on first read.
      config: () => deployedConfigSource({ s3, bucket: common.bucket }, configKey())(),
      ses: (sesRegion) => aws.sesClient(sesRegion, principal),
      dnsTeam: { sns, topicArn: topics.dnsTeam },
      operators: { sns, topicArn: topics.operators },
      approvalKeys: approvalKeysOf(secret.secret.arn, this.#secretsManager(accessKeyId)),
      get approvalBaseUrl() {
        return shared.approvalBaseUrl;
      },
      get sfn() {
        return sfn();
      },
      get route53() {
        return route53();
      },
    };
    this.#deps.set(principal, deps);
    return deps;
  }

  /** Destroys the clients made for principals (the stand-ins' own are theirs to destroy). */
  destroy(): void {
    for (const destroy of this.#destroy.splice(0)) destroy();
  }

  /**
   * GetSecretValue as Secrets Manager authorizes it: the action on the secret, and kms:Decrypt
   * on its customer managed key through Secrets Manager (Secrets Manager User Guide, "Secret
   * encryption and decryption": the caller needs kms:Decrypt, with the SecretARN context).
   */
  #secretsManager(accessKeyId: string): SecretsManagerClient {
    const { iam, secret } = this.shared;
    return {
      send: async (command: GetSecretValueCommand) => {
        const arn = String(command.input.SecretId);
        const checks: Array<Omit<AwsCall, 'accessKeyId'>> = [
          { action: 'secretsmanager:GetSecretValue', resource: arn },
          ...(secret.keyArn
            ? [
                {
                  action: 'kms:Decrypt',
                  resource: secret.keyArn,
                  context: {
                    // Secrets Manager runs in the stack's region, not the SES/S3 client region.
                    'kms:ViaService': `secretsmanager.${LOCAL_ACCOUNT.region}.amazonaws.com`,
                    'kms:EncryptionContext:SecretARN': arn,
                  },
                },
              ]
            : []),
        ];
        for (const check of checks) {
          const decision = await iam.authorize({ accessKeyId, ...check });
          if (!decision.allowed) {
            throw Object.assign(new Error(decision.message), {
              name: 'AccessDeniedException',
              $metadata: { httpStatusCode: 400 },
            });
          }
        }
        if (arn !== secret.secret.arn) {
          throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
            name: 'ResourceNotFoundException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        const { VersionId, VersionStage } = command.input;
        return {
          ...secret.secret.getSecretValue({
            ...(VersionId !== undefined ? { VersionId } : {}),
            ...(VersionStage !== undefined ? { VersionStage } : {}),
          }),
          $metadata: {},
        };
      },
    } as unknown as SecretsManagerClient;
  }
}
