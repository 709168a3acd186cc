/**
 * Who signs a request to the local stand-ins. As in AWS, the credentials name the principal:
 * each function's clients sign with an access key id naming its state, the CLI with the
 * operators' key, and the environment's own set-up calls with {@link ENVIRONMENT_ACCESS_KEY}.
 */

/** The principal the operators' managed policy (infra/operator-policy.ts) is evaluated for. */
export const OPERATOR_PRINCIPAL = 'Operator';

/** The state machine's own role: its AWS SDK integrations (RecordLostNotice's PutMetricData). */
export const STATE_MACHINE_PRINCIPAL = 'StateMachine';

/** The environment itself: seeding the previous key, the probe's mail, test harnesses. */
export const ENVIRONMENT_ACCESS_KEY = 'local';

const TASK_PREFIX = 'local-role-';

/** The access key id a principal (state name, `ApprovalEndpoint`, `Monitor`, `Operator`) signs with. */
export function accessKeyOf(principal: string): string {
  return `${TASK_PREFIX}${principal}`;
}

/** Credentials for the SDK clients of `principal` (never real ones). */
export function credentialsOf(principal: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: accessKeyOf(principal), secretAccessKey: 'local' };
}

/** The principal an access key id stands for, or undefined for a key that is none of ours. */
export function principalOfAccessKey(accessKeyId: string | undefined): string | undefined {
  return accessKeyId?.startsWith(TASK_PREFIX) ? accessKeyId.slice(TASK_PREFIX.length) : undefined;
}

const CREDENTIAL = /Credential=([^/,\s]+)\//;

/** The access key id of a SigV4 `Authorization` header. */
export function accessKeyOfAuthorization(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : CREDENTIAL.exec(authorization)?.[1];
}
