/**
 * ConfigWriter: AWS wiring only; the logic is in ./logic.ts.
 *
 * CloudFormation invokes this function directly (the custom resource's ServiceToken) and waits for
 * the answer at the request's pre-signed ResponseURL ("Custom resource response objects",
 * CloudFormation User Guide: a JSON body of at most 4,096 bytes with Status, Reason when FAILED,
 * PhysicalResourceId, and StackId, RequestId and LogicalResourceId copied from the request). The
 * handler always answers, FAILED with a sanitised reason when the write fails, so a deployment
 * never hangs for CloudFormation's one-hour timeout.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import { taskLogger } from '../../shared/rotation/lambda-kit';
import { memoDeps, requiredEnv, s3Client } from '../../shared/rotation/runtime';
import { sanitise } from '../../shared/sanitise';
import { TASK_ENV } from '../../shared/tasks/task-env';
import { type ConfigWriteResult, writeConfig } from './logic';

const logger = taskLogger();

/** Longest Reason sent: the whole response must stay under CloudFormation's 4,096 bytes. */
const MAX_REASON_CHARS = 1000;

/** The response body CloudFormation reads from the pre-signed URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: ConfigWriteResult['data'];
}

/** Sends the response (the pre-signed URL is signed without a content type: send none). */
export type SendResponse = (url: string, body: CustomResourceResponse) => Promise<void>;

/** PUTs the response to the pre-signed URL; S3 answers 200 when CloudFormation has it. */
export const putResponse: SendResponse = async (url, body) => {
  const text = JSON.stringify(body);
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(text)) },
    body: text,
  });
  if (!response.ok) throw new Error(`The CloudFormation response URL answered ${response.status}`);
};

/** What the handler needs: the key store and the way to answer. */
export interface ConfigWriterDeps extends KeyStoreDeps {
  readonly send: SendResponse;
}

/** Real clients from the environment the stack sets. */
export function defaultDeps(): ConfigWriterDeps {
  return { s3: s3Client(), bucket: requiredEnv(TASK_ENV.bucketName), send: putResponse };
}

/** The answer to `event`, SUCCESS or FAILED (never throws). */
export async function answer(
  event: CloudFormationCustomResourceEvent,
  deps: KeyStoreDeps,
): Promise<CustomResourceResponse> {
  const copied = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  const previousId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined;
  try {
    const result = await writeConfig(
      {
        RequestType: event.RequestType,
        ResourceProperties: event.ResourceProperties,
        ...(previousId === undefined ? {} : { PhysicalResourceId: previousId }),
      },
      deps,
    );
    logger.info('Configuration object', {
      requestType: event.RequestType,
      key: result.data.Key,
      domains: result.data.Domains,
      written: result.written,
    });
    return { Status: 'SUCCESS', PhysicalResourceId: result.physicalResourceId, ...copied, Data: result.data };
  } catch (error) {
    logger.error('Configuration object not written', {
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    return {
      Status: 'FAILED',
      Reason: sanitise(`${(error as Error).name}: ${(error as Error).message}`, MAX_REASON_CHARS),
      // A failed Create has no object: CloudFormation needs some id, and the request's own is unique.
      PhysicalResourceId: previousId ?? `failed-${event.RequestId}`,
      ...copied,
    };
  }
}

/** The handler for any deps (the local environment passes its own). */
export function makeHandler(source: ConfigWriterDeps | (() => ConfigWriterDeps)) {
  const deps = memoDeps(source);
  return async (event: CloudFormationCustomResourceEvent, context?: Context): Promise<void> => {
    if (context !== undefined) logger.addContext(context);
    const resolved = deps();
    await resolved.send(event.ResponseURL, await answer(event, resolved));
  };
}

export const handler = makeHandler(defaultDeps);
