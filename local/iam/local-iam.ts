/**
 * The local environment's IAM: every AWS call the task code makes is authorized as the calling
 * function's role, with the identity policies and resource policies read from the synthesized
 * template (deployed-iam.ts) and evaluated by a maintained policy engine,
 * `@cloud-copilot/iam-simulate` (identity + resource policies, explicit deny, KMS key-policy
 * trust, every condition operator). Nothing here matches policy strings itself.
 */
import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { DeployedIam, DeployedPrincipal, PolicyDocument } from './deployed-iam';
import { evaluate } from './evaluate';
import { ENVIRONMENT_ACCESS_KEY, principalOfAccessKey } from './principals';

/** Context keys of one request, as AWS sets them. */
export type ContextValues = Readonly<Record<string, string | readonly string[]>>;

/** One AWS call to authorize. */
export interface AwsCall {
  /** The access key id the call was signed with (names the principal; see principals.ts). */
  readonly accessKeyId: string | undefined;
  /** The IAM action, e.g. `s3:GetObject`. */
  readonly action: string;
  /** The resource ARN (`*` for actions without resource-level permissions). */
  readonly resource: string;
  /** Request-specific context keys (`s3:prefix`, Route 53 change keys, KMS context…). */
  readonly context?: ContextValues;
}

/** The outcome of one authorization. */
export type Authorization =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly message: string; readonly principal: string };

/** Authorizes AWS calls (what the stand-ins take). */
export interface AwsAuthorizer {
  authorize(call: AwsCall): Promise<Authorization>;
}

/** A denied call, as `byodkim local rotate --json` reports it. */
export interface DeniedRequest {
  readonly state: string;
  readonly action: string;
  readonly resource: string;
}

/** What `iam` in the rotate summary holds. */
export interface IamSummary {
  readonly evaluated: number;
  readonly denied: number;
  readonly deniedRequests: readonly DeniedRequest[];
}

/** Extra explicit denies per principal (a scenario's `iamDeny`). */
export type IamDenials = Readonly<Record<string, readonly string[]>>;

/** The IAM of one rehearsal. */
export class LocalIam implements AwsAuthorizer {
  #evaluated = 0;
  readonly #denied: DeniedRequest[] = [];
  readonly #granted = new Map<string, Array<{ name: string; policy: PolicyDocument }>>();

  constructor(
    private readonly deployed: DeployedIam,
    private readonly denials: IamDenials = {},
  ) {
    for (const name of Object.keys(denials)) {
      if (!deployed.principals.has(name)) {
        throw new Error(
          `iamDeny names "${name}", which has no role in the template: use one of ${[...deployed.principals.keys()].join(', ')}`,
        );
      }
    }
  }

  /** The principal a name stands for (a state name, `ApprovalEndpoint`, `Monitor`, `Operator`). */
  principal(name: string): DeployedPrincipal {
    const principal = this.deployed.principals.get(name);
    if (!principal) throw new Error(`The template has no principal ${name}`);
    return principal;
  }

  /**
   * Attaches one more identity policy to a principal for this run: what an account grants
   * outside the stack (e.g. the operators' read of the old system's bucket for `byodkim import`).
   */
  grant(principal: string, name: string, policy: PolicyDocument): void {
    this.principal(principal);
    this.#granted.set(principal, [...(this.#granted.get(principal) ?? []), { name, policy }]);
  }

  /** Counts so far. */
  summary(): IamSummary {
    return { evaluated: this.#evaluated, denied: this.#denied.length, deniedRequests: [...this.#denied] };
  }

  async authorize(call: AwsCall): Promise<Authorization> {
    // The environment itself (seeding the previous key, the probe's mail) acts as the account
    // administrator that set the world up before the rotation: not part of the product.
    if (call.accessKeyId === ENVIRONMENT_ACCESS_KEY) return { allowed: true };
    const name = principalOfAccessKey(call.accessKeyId);
    const principal = name === undefined ? undefined : this.deployed.principals.get(name);
    if (!principal || name === undefined) {
      return {
        allowed: false,
        principal: String(call.accessKeyId),
        message: `The security token included in the request is invalid (access key ${String(call.accessKeyId)} belongs to no role of the stack).`,
      };
    }
    this.#evaluated += 1;
    const explicitDeny = this.denials[name] ?? [];
    const identityPolicies = [
      ...principal.policies.map((policy) => ({ name: policy.name, policy: policy.document })),
      ...(this.#granted.get(name) ?? []),
      ...(explicitDeny.length > 0
        ? [
            {
              name: 'iamDeny',
              policy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Deny', Action: [...explicitDeny], Resource: '*' }],
              },
            },
          ]
        : []),
    ];
    const simulation: Simulation = {
      request: {
        principal: principal.arn,
        action: call.action,
        resource: { resource: call.resource, accountId: this.deployed.account.account },
        contextVariables: { ...this.#globalContext(principal), ...toMutable(call.context ?? {}) },
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(this.#resourcePolicyOf(call.resource)
        ? { resourcePolicy: this.#resourcePolicyOf(call.resource) }
        : {}),
    };
    const overall = await evaluate(simulation);
    if (overall === 'Allowed') return { allowed: true };
    this.#denied.push({ state: name, action: call.action, resource: call.resource });
    const why =
      overall === 'ExplicitlyDenied'
        ? 'with an explicit deny in an identity-based or resource-based policy'
        : `because no identity-based policy allows the ${call.action} action`;
    return {
      allowed: false,
      principal: principal.arn,
      message: `User: ${principal.arn} is not authorized to perform: ${call.action} on resource: "${call.resource}" ${why}`,
    };
  }

  #globalContext(principal: DeployedPrincipal): Record<string, string> {
    return {
      // The SDK always calls AWS over HTTPS (TLS 1.2+): the stand-ins' plain HTTP is local only.
      'aws:SecureTransport': 'true',
      'aws:PrincipalArn': principal.arn.replace(
        /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.*$/,
        'arn:$1:iam::$2:role/$3',
      ),
      'aws:PrincipalAccount': this.deployed.account.account,
      'aws:PrincipalType': 'AssumedRole',
      'aws:CurrentTime': new Date().toISOString(),
      'aws:EpochTime': String(Math.floor(Date.now() / 1000)),
    };
  }

  #resourcePolicyOf(resource: string): PolicyDocument | undefined {
    const policies = this.deployed.resourcePolicies;
    const exact = policies.get(resource);
    if (exact) return exact;
    // An object ARN is governed by its bucket's policy.
    const bucket = /^(arn:[^:]+:s3:::[^/]+)\//.exec(resource)?.[1];
    return bucket ? policies.get(bucket) : undefined;
  }
}

function toMutable(context: ContextValues): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => [key, typeof value === 'string' ? value : [...value]]),
  );
}
