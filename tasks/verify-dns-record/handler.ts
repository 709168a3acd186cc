/** VerifyDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { assertDnsVerified, checkDkimEndToEnd, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv, rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client } from '../../shared/rotation/runtime';
import type { DnsVerified } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type VerifyDnsRecordDeps, verifyDnsRecord } from './logic';

const logger = taskLogger();
const env = taskEnvironment('VerifyDnsRecord');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): VerifyDnsRecordDeps {
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    dns: { verifyDkimRecord, assertDnsVerified, checkDkimEndToEnd },
    dnsOptions: dnsOptionsFromEnv(),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: VerifyDnsRecordDeps | (() => VerifyDnsRecordDeps)) {
  return rotationStateTask<VerifyDnsRecordDeps, DnsVerified>(
    'VerifyDnsRecord',
    logger,
    deps,
    verifyDnsRecord,
  );
}

export const handler = makeHandler(defaultDeps);
