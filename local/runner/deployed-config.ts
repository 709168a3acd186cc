/**
 * The deployment's configuration object in the local environment: the same custom resource
 * request CloudFormation would send, taken from the synthesized template, answered by the
 * ConfigWriter's code signed as the ConfigWriter's role (so its grants are rehearsed too).
 */
import './quiet-powertools';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import { answer } from '../../tasks/write-config/handler';
import { CONFIG_RESOURCE_TYPE } from '../../tasks/write-config/logic';
import type { CfnTemplate } from './definition';

/** The principal (function name suffix) of the writer. */
export const CONFIG_WRITER_PRINCIPAL = 'ConfigWriter';

/**
 * Writes the configuration object of `template` with `writer` (the ConfigWriter's clients).
 * @returns the object's key
 * @throws Error with CloudFormation's Reason when the writer answers FAILED
 */
export async function writeDeployedConfig(template: CfnTemplate, writer: KeyStoreDeps): Promise<string> {
  const resources = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === CONFIG_RESOURCE_TYPE,
  );
  const [entry, ...others] = resources;
  if (entry === undefined || others.length > 0) {
    throw new Error(`The template has ${resources.length} ${CONFIG_RESOURCE_TYPE} resources, expected one`);
  }
  const [logicalId, resource] = entry;
  const event: CloudFormationCustomResourceCreateEvent = {
    RequestType: 'Create',
    ServiceToken: 'local',
    ResponseURL: 'local',
    StackId:
      'arn:aws:cloudformation:ap-northeast-1:000000000000:stack/local/00000000-0000-0000-0000-000000000000',
    RequestId: 'local-deployment',
    LogicalResourceId: logicalId,
    ResourceType: CONFIG_RESOURCE_TYPE,
    ResourceProperties: { ServiceToken: 'local', ...(resource.Properties ?? {}) },
  };
  const response = await answer(event, writer);
  if (response.Status !== 'SUCCESS' || response.Data === undefined) {
    throw new Error(`The configuration object was not written: ${response.Reason ?? 'no reason'}`);
  }
  return response.Data.Key;
}
