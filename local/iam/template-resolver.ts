/**
 * Resolves the intrinsic functions of a synthesized CloudFormation template to the names and ARNs
 * the local stand-ins use, so policies read from the template can be evaluated as AWS would
 * evaluate the deployed ones. Physical names follow each resource type's documented `Ref` and
 * `Fn::GetAtt` return values (CloudFormation User Guide, "Resource and property reference").
 */
import { createHash } from 'node:crypto';
import type { CfnTemplate } from '../runner/definition';

/** The account, region and partition the local environment pretends to be. */
export interface LocalAccount {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The local environment's account: never a real one. */
export const LOCAL_ACCOUNT: LocalAccount = { account: '000000000000', region: 'local', partition: 'aws' };

/** What `Ref` and `Fn::GetAtt` return for one resource. */
export interface PhysicalResource {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

type Resource = CfnTemplate['Resources'][string];

/** Resolves a template's intrinsics; `overrides` pins chosen resources to the stand-ins' names. */
export class TemplateResolver {
  readonly #physical = new Map<string, PhysicalResource>();

  constructor(
    readonly template: CfnTemplate,
    readonly account: LocalAccount = LOCAL_ACCOUNT,
    private readonly overrides: Readonly<Record<string, PhysicalResource>> = {},
  ) {}

  /** The logical ids of every resource of `type`. */
  logicalIdsOf(type: string): string[] {
    return Object.entries(this.template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId]) => logicalId);
  }

  /**
   * The deployed function of a principal (`GenerateKey`, `Monitor`…): functions are named
   * `<prefix>-<Principal>` (infra/byodkim-rotation.ts, infra/rotation-monitor.ts).
   * @throws when the template has none
   */
  functionOf(principal: string): DeployedFunction {
    for (const logicalId of this.logicalIdsOf('AWS::Lambda::Function')) {
      const functionName = this.physical(logicalId).ref;
      if (principalOfFunctionName(functionName) !== principal) continue;
      return { logicalId, functionName, properties: this.resource(logicalId).Properties ?? {} };
    }
    throw new Error(`The template has no function for ${principal}`);
  }

  /** The resource with `logicalId` (throws when the template has none). */
  resource(logicalId: string): Resource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}`);
    return resource;
  }

  /** `Ref` and attributes of one resource. */
  physical(logicalId: string): PhysicalResource {
    const known = this.overrides[logicalId] ?? this.#physical.get(logicalId);
    if (known) return known;
    const created = this.#derive(logicalId, this.resource(logicalId));
    this.#physical.set(logicalId, created);
    return created;
  }

  /** A value with every intrinsic resolved (objects and arrays deeply). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (typeof value !== 'object' || value === null) return value;
    const node = value as Record<string, unknown>;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'Fn::Split') {
      const [separator, text] = node['Fn::Split'] as [string, unknown];
      return this.resolveString(text).split(separator);
    }
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::')))
      return this.resolveString(node);
    return Object.fromEntries(keys.map((key) => [key, this.resolve(node[key])]));
  }

  /** A value that must resolve to one string. */
  resolveString(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const node = (value ?? {}) as Record<string, unknown>;
    if ('Ref' in node) return this.#ref(String(node.Ref));
    if ('Fn::GetAtt' in node) {
      const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
      return this.#attribute(logicalId, attribute);
    }
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolveString(part)).join(separator);
    }
    if ('Fn::Select' in node) {
      const [index, list] = node['Fn::Select'] as [number | string, unknown];
      const items = this.resolve(list) as unknown[];
      return this.resolveString(items[Number(index)]);
    }
    if ('Fn::Sub' in node) {
      const sub = node['Fn::Sub'];
      const [text, variables = {}] = (Array.isArray(sub) ? sub : [sub]) as [string, Record<string, unknown>?];
      return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
        if (name in variables) return this.resolveString(variables[name]);
        const [logicalId, attribute] = name.split('.');
        return attribute ? this.#attribute(logicalId ?? '', attribute) : this.#ref(name);
      });
    }
    throw new Error(`Unsupported intrinsic in the template: ${Object.keys(node).join(', ')}`);
  }

  #ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': this.account.partition,
      'AWS::Region': this.account.region,
      'AWS::AccountId': this.account.account,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'ByodkimRotation-local',
      'AWS::StackId': `arn:${this.account.partition}:cloudformation:${this.account.region}:${this.account.account}:stack/ByodkimRotation-local/6b1d7c2e-0000-4000-8000-000000000000`,
    };
    return pseudo[name] ?? this.physical(name).ref;
  }

  #attribute(logicalId: string, attribute: string): string {
    const value = this.physical(logicalId).attributes[attribute];
    if (value === undefined) throw new Error(`No local value for ${logicalId}.${attribute}`);
    return value;
  }

  #derive(logicalId: string, resource: Resource): PhysicalResource {
    const { account, region, partition } = this.account;
    const props = resource.Properties ?? {};
    const named = (property: string): string =>
      props[property] === undefined ? logicalId : this.resolveString(props[property]);
    switch (resource.Type) {
      case 'AWS::S3::Bucket': {
        const name = props.BucketName === undefined ? logicalId.toLowerCase() : named('BucketName');
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` },
        };
      }
      case 'AWS::SNS::Topic': {
        const arn = `arn:${partition}:sns:${region}:${account}:${named('TopicName')}`;
        return { ref: arn, attributes: { TopicArn: arn, TopicName: named('TopicName') } };
      }
      case 'AWS::KMS::Key': {
        const id = stableUuid(logicalId);
        return {
          ref: id,
          attributes: { KeyId: id, Arn: `arn:${partition}:kms:${region}:${account}:key/${id}` },
        };
      }
      case 'AWS::SecretsManager::Secret': {
        const arn = `arn:${partition}:secretsmanager:${region}:${account}:secret:${named('Name')}-AbCdEf`;
        return { ref: arn, attributes: { Id: arn } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = named('StateMachineName');
        const arn = `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
        return { ref: arn, attributes: { Arn: arn, Name: name } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName');
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` },
        };
      }
      case 'AWS::IAM::Role': {
        const name = named('RoleName');
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:iam::${account}:role/${name}`, RoleId: `AROA${logicalId}` },
        };
      }
      case 'AWS::IAM::ManagedPolicy': {
        const arn = `arn:${partition}:iam::${account}:policy/${named('ManagedPolicyName')}`;
        return { ref: arn, attributes: { PolicyArn: arn } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName');
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` },
        };
      }
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm': {
        const name = named('AlarmName');
        return {
          ref: name,
          attributes: { Arn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}` },
        };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const id = logicalId.toLowerCase().slice(0, 10);
        return {
          ref: id,
          attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com` },
        };
      }
      default:
        return {
          ref: logicalId,
          attributes: new Proxy({}, { get: (_target, name) => `${logicalId}.${String(name)}` }),
        };
    }
  }
}

/** A function of the template: its logical id, physical name and properties. */
export interface DeployedFunction {
  readonly logicalId: string;
  readonly functionName: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The principal a function stands for: the last part of `<prefix>-<Principal>`. */
export function principalOfFunctionName(functionName: string): string {
  return functionName.split('-').pop() ?? functionName;
}

/** A UUID-shaped id that is the same for the same logical id (KMS key ids are UUIDs). */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
