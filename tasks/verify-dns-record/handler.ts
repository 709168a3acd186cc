/** VerifyDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { assertDnsVerified, checkDkimEndToEnd, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv, taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, s3Client } from '../../shared/rotation/runtime';
import type { DnsVerified, RotationState } from '../../shared/rotation/state';
import { type VerifyDnsRecordDeps, verifyDnsRecord } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): VerifyDnsRecordDeps {
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    dns: { verifyDkimRecord, assertDnsVerified, checkDkimEndToEnd },
    dnsOptions: dnsOptionsFromEnv(),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: VerifyDnsRecordDeps | (() => VerifyDnsRecordDeps)) {
  return taskHandler<RotationState, VerifyDnsRecordDeps, DnsVerified>(
    logger,
    deps,
    verifyDnsRecord,
    (event) => ({ domain: event?.plan?.domain, selector: event?.plan?.selector }),
  );
}

export const handler = makeHandler(defaultDeps);
