/**
 * Template assertions on the real stack (synthesized once; bundling skipped) and cdk-nag AwsSolutions.
 * Long on purpose: every assertion reads the one synthesis, the costly part, shared per describe.
 */

import { gunzipSync } from 'node:zlib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ByodkimRotation } from '../../infra/byodkim-rotation';
import { validateByodkimRotationProps } from '../../infra/byodkim-rotation-props';
import { parseConfig, RotationConfigSchema } from '../../shared/config';
import { configObjectKey, parseConfigObject } from '../../shared/config-store';
import { CONFIG_RESOURCE_TYPE } from '../../tasks/write-config/logic';
import { LAMBDA_TASKS } from '../../workflows/states';
import { definitionOf, synthStack } from '../workflow/support/synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function statementsOf(template: Template): { policy: string; statement: Statement }[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.entries(policies).flatMap(([policy, resource]) =>
    ((resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement ?? []).map((statement) => ({
      policy,
      statement,
    })),
  );
}
const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const resourcesOf = (statement: Statement) =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

describe('ByodkimRotation stack (prod)', () => {
  const { stack, template, config: prodConfig } = synthStack('prod');
  const policies = statementsOf(template);
  const policyOfRole = (roleIdPrefix: string) =>
    policies
      .filter(({ policy }) => policy.startsWith(`Rotation${roleIdPrefix}RoleDefaultPolicy`))
      .map((p) => p.statement);

  it('encrypts the key store with the customer key, versions it, blocks public access and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            BucketKeyEnabled: true,
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^RotationKeyStore') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts topics, the secret, the state machine and every log group with the customer key', () => {
    const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationKey'), 'Arn'] };
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: keyRef, RetentionInDays: 731 });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyRef });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: Match.objectLike({ Type: 'CUSTOMER_MANAGED_KMS_KEY' }),
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    // Under /aws/vendedlogs/ (log resource policy size), suffixed per deployment (log-group-names.test.ts).
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', Match.arrayWith(['/aws/vendedlogs/states/byodkim-rotation-prod-'])] },
    });
    // topics accept TLS only
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs every function on Node.js 22 with its own role and no managed policies', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Resources;
    const ours = Object.values(functions).filter((f) => f.Properties.Runtime === 'nodejs22.x');
    // One per task state, plus the approval endpoint, the monitor and the configuration writer.
    expect(ours).toHaveLength(Object.keys(LAMBDA_TASKS).length + 3);
    const roles = new Set(ours.map((f) => JSON.stringify(f.Properties.Role)));
    expect(roles.size).toBe(ours.length);
    for (const role of Object.values(template.findResources('AWS::IAM::Role') as Resources)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants no `*` resource on s3, ses, kms or states actions', () => {
    for (const { policy, statement } of policies) {
      const scoped = actionsOf(statement).some((action) => /^(s3|ses|kms|states):/.test(action));
      if (!scoped) continue;
      expect({ policy, resources: resourcesOf(statement) }).toEqual({
        policy,
        resources: expect.not.arrayContaining(['*']),
      });
    }
  });

  it('denies every task role the deletion of key objects', () => {
    for (const name of [...Object.keys(LAMBDA_TASKS), 'ApprovalEndpoint']) {
      expect(policyOfRole(name)).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        }),
      );
    }
  });

  it('lets only ApplyToSes and RollbackSigning change SES signing, on the configured identities only', () => {
    const changers = policies.filter(({ statement }) =>
      actionsOf(statement).includes('ses:PutEmailIdentityDkimSigningAttributes'),
    );
    expect(new Set(changers.map(({ policy }) => policy.replace(/RoleDefaultPolicy.*$/, '')))).toEqual(
      new Set(['RotationApplyToSes', 'RotationRollbackSigning']),
    );
    for (const { statement } of changers) {
      expect(JSON.stringify(statement.Resource)).toContain(':ses:ap-northeast-1:');
      expect(JSON.stringify(statement.Resource)).toContain(':identity/mail.example.jp');
    }
  });

  it('gives VerifyDnsRecord read access to private keys and nothing to write or call SES with', () => {
    const actions = policyOfRole('VerifyDnsRecord')
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);
    expect(actions).toContain('s3:GetObject');
    expect(actions.filter((action) => action.startsWith('ses:') || action === 's3:PutObject')).toEqual([]);
  });

  it('gives ConfirmRollback only reads: certificates (never a private key) and SES identities, on the configured identities', () => {
    const allowed = policyOfRole('ConfirmRollback').filter((statement) => statement.Effect === 'Allow');
    const actions = new Set(allowed.flatMap(actionsOf));
    expect(actions).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:GetObject',
        's3:ListBucket',
        'kms:Decrypt',
        'ses:GetEmailIdentity',
      ]),
    );
    const reads = allowed.filter((statement) => actionsOf(statement).includes('s3:GetObject'));
    expect(JSON.stringify(reads.map(resourcesOf))).toContain('/dkim/*/certificate.pem');
    expect(JSON.stringify(reads.map(resourcesOf))).not.toMatch(/private-key|metadata|approvals|dns-requests/);
    const ses = allowed.filter((statement) => actionsOf(statement).includes('ses:GetEmailIdentity'));
    expect(JSON.stringify(ses.map(resourcesOf))).toContain(':identity/mail.example.jp');
  });

  it('lets only the states that sign or hand a key to SES read private keys: GenerateKey, VerifyDnsRecord, ApplyToSes, RollbackSigning', () => {
    // GIVEN every Allow statement of every role of the stack (functions, monitor, state machine)
    const readers = policies
      .filter(({ statement }) => statement.Effect === 'Allow')
      .filter(({ statement }) => actionsOf(statement).some((action) => /^s3:(GetObject|\*)/.test(action)))
      .filter(({ statement }) =>
        JSON.stringify(resourcesOf(statement)).match(/private-key\.pem|"\/dkim\/\*"|"\/\*"/),
      )
      .map(({ policy }) => policy.replace(/RoleDefaultPolicy.*$/, ''));
    // THEN PrepareRotation (lists the folder) and RetireOldKey (reads the certificate) are not among them
    expect(new Set(readers)).toEqual(
      new Set([
        'RotationGenerateKey',
        'RotationVerifyDnsRecord',
        'RotationApplyToSes',
        'RotationRollbackSigning',
      ]),
    );
  });

  it('gives PrepareRotation a listing of the key store and the configuration object to read, no key, and RetireOldKey certificates only', () => {
    const allowed = (name: string) => policyOfRole(name).filter((statement) => statement.Effect === 'Allow');
    const prepare = allowed('PrepareRotation');
    expect(
      prepare
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket']);
    const reads = prepare.filter((statement) => actionsOf(statement).includes('s3:GetObject'));
    expect(JSON.stringify(reads.map(resourcesOf))).toMatch(
      /^\[\[\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["RotationKeyStore[0-9A-F]+","Arn"\]\},"\/config\/\*"\]\]\}\]\]$/,
    );
    expect(prepare.flatMap(actionsOf).filter((action) => action.startsWith('kms:'))).toEqual(['kms:Decrypt']);
    const retireReads = allowed('RetireOldKey').filter((statement) =>
      actionsOf(statement).includes('s3:GetObject'),
    );
    expect(JSON.stringify(retireReads.map(resourcesOf))).toContain('/dkim/*/certificate.pem');
    expect(JSON.stringify(retireReads.map(resourcesOf))).not.toContain('private-key');
  });

  it('lets every role use the customer key only through the services that hold its data (kms:ViaService)', () => {
    // GIVEN every statement of the function roles that allows a KMS action
    const keyGrants = policies.filter(
      ({ policy, statement }) =>
        !policy.startsWith('RotationStateMachineRole') &&
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => action.startsWith('kms:')),
    );
    expect(keyGrants.length).toBeGreaterThan(16);
    // THEN each names one service in kms:ViaService, and the service matches the sid
    const via = ({ statement }: { statement: Statement }) =>
      JSON.stringify((statement as { Condition?: unknown }).Condition ?? null);
    const services: Record<string, string> = {
      UseKeyThroughS3: '"s3.',
      UseKeyThroughSns: '"sns.',
      UseKeyThroughSecretsManager: '"secretsmanager.',
      UseKeyThroughStepFunctions: '"states.',
    };
    for (const grant of keyGrants) {
      expect({ policy: grant.policy, sid: grant.statement.Sid }).toEqual({
        policy: grant.policy,
        sid: expect.stringMatching(/^UseKeyThrough/),
      });
      expect(via(grant)).toContain('"kms:ViaService":{"Fn::Join":["",[');
      expect(via(grant)).toContain(services[grant.statement.Sid ?? ''] ?? 'unknown sid');
    }
    // AND a role that only publishes goes through SNS only
    const notifySuccess = keyGrants.filter(({ policy }) => policy.startsWith('RotationNotifySuccessRole'));
    expect(notifySuccess.map(({ statement }) => statement.Sid)).toEqual(['UseKeyThroughSns']);
  });

  it('scopes every service principal on the customer key to this account and its own resources', () => {
    // GIVEN the key policy's statements for AWS services
    const [key] = Object.values(template.findResources('AWS::KMS::Key') as Resources);
    if (key === undefined) throw new Error('the stack has no KMS key');
    const statements = (key.Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    const forServices = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes('Service'),
    );
    expect(forServices.length).toBeGreaterThanOrEqual(3);
    for (const statement of forServices) {
      const condition = JSON.stringify(statement.Condition ?? null);
      const principal = JSON.stringify(statement.Principal);
      // THEN none is unconditioned: CloudWatch alarms and log delivery are tied to this account
      // and its own alarms or logs; CloudWatch Logs to this account's log groups
      if (principal.includes('"logs.')) {
        expect(condition).toContain('kms:EncryptionContext:aws:logs:arn');
      } else {
        expect({ principal, condition }).toEqual({
          principal,
          condition: expect.stringMatching(
            /"aws:SourceAccount".*"aws:SourceArn"|"aws:SourceArn".*"aws:SourceAccount"/,
          ),
        });
      }
    }
    expect(forServices.map((statement) => statement.Sid)).toEqual(
      expect.arrayContaining(['CloudWatchAlarmsToEncryptedTopic', 'StateMachineLogDelivery']),
    );
  });

  it("lets the state machine put metrics (RecordLostNotice) only in the configuration's namespace", () => {
    const putters = policies.filter(({ statement }) =>
      actionsOf(statement).includes('cloudwatch:PutMetricData'),
    );
    expect(putters.map(({ policy }) => policy)).toEqual([expect.stringMatching(/^RotationStateMachineRole/)]);
    expect(putters[0]?.statement).toMatchObject({
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'ByodkimRotation' } },
    });
  });

  it('lets only the approval endpoint resume executions, on this state machine', () => {
    const resumers = policies.filter(({ statement }) =>
      actionsOf(statement).includes('states:SendTaskSuccess'),
    );
    expect(resumers).toHaveLength(1);
    expect(resumers[0]?.statement.Resource).toEqual({ Ref: expect.stringMatching(/^RotationStateMachine/) });
  });

  it("lets the approval endpoint read only this state machine's executions, to check a decision whose answer was lost", () => {
    const readers = policies.filter(
      ({ policy, statement }) =>
        policy.startsWith('RotationApprovalEndpointResumesExecutions') &&
        actionsOf(statement).includes('states:GetExecutionHistory'),
    );
    expect(readers).toHaveLength(1);
    expect(actionsOf(readers[0]?.statement as Statement).sort()).toEqual([
      'states:DescribeExecution',
      'states:GetExecutionHistory',
    ]);
    const resource = JSON.stringify(readers[0]?.statement.Resource);
    expect(resource).toContain(':execution:');
    expect(resource).toMatch(/RotationStateMachine[0-9A-F]+","Name"/);
  });

  it('serves the approval page on GET and POST only, with access logs that never include the query string', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /approvals/{id}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /approvals/{id}' });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage') as Resources)[0];
    const settings = stage?.Properties.AccessLogSettings as { Format: string };
    expect(settings.Format).not.toMatch(/path|querystring|requestOverride/i);
  });

  it('pages operators on failed and timed-out executions and approval endpoint failures', () => {
    // Alarms go to the unfiltered alarms topic (alarm-delivery.test.ts evaluates the delivery).
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^RotationAlarmsTopic') }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'byodkim-rotation-prod-alarm-ApprovalEndpointFailures',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^RotationAlarmsTopic') }],
    });
  });

  it("pages operators when a success notice was lost, on the metric the state machine's RecordLostNotice puts", () => {
    const parameters = definitionOf(template).States.RecordLostNotice?.Parameters as {
      Namespace: string;
      MetricData: { MetricName: string; Dimensions: unknown }[];
    };
    const fleet = parameters.MetricData[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'byodkim-rotation-prod-alarm-SuccessNoticeLost',
      Namespace: parameters.Namespace,
      MetricName: fleet?.MetricName,
      Dimensions: [{ Name: 'service', Value: 'byodkim-rotation' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^RotationAlarmsTopic') }],
    });
    expect(fleet?.Dimensions).toEqual([{ Name: 'service', Value: 'byodkim-rotation' }]);
  });

  it('routes notifications by domain: an address of every domain takes any notification that names one', () => {
    // prod.json has one domain, so each address receives every domain of its topic.
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'dns-team@example.jp',
      FilterPolicy: { domain: [{ exists: true }] },
    });
  });

  it('grants Route 53 nothing when every domain is MANUAL', () => {
    const route53 = policies.filter(({ statement }) =>
      actionsOf(statement).some((action) => action.startsWith('route53:')),
    );
    expect(route53).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged in code', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} ${violation.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('lets nobody write a private key without If-None-Match: S3 refuses an overwrite by policy', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PrivateKeysAreWrittenOnce',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: { Null: { 's3:if-none-match': 'true' } },
          }),
        ]),
      },
    });
  });
  it('deploys the configuration as one S3 object written by a custom resource; its readers get the key and wait for it', () => {
    const written = Object.entries(template.findResources(CONFIG_RESOURCE_TYPE) as Resources);
    expect(written).toHaveLength(1);
    const [logicalId, resource] = written[0] ?? ['', undefined];
    const { Key: key, BodyGzipBase64: encoded } = (resource?.Properties ?? {}) as Record<string, string>;
    const body = gunzipSync(Buffer.from(encoded ?? '', 'base64')).toString('utf8');
    // The key is the body's hash, and the body the validated prod configuration.
    expect(configObjectKey(body)).toBe(key);
    expect(parseConfigObject(body, 'template')).toEqual(prodConfig);
    const functions = template.findResources('AWS::Lambda::Function', {}) as Record<
      string,
      {
        Properties: { FunctionName?: string; Environment?: { Variables?: Record<string, unknown> } };
        DependsOn?: string[];
      }
    >;
    const readers = Object.values(functions).filter(
      (fn) => fn.Properties.Environment?.Variables?.CONFIG_OBJECT_KEY,
    );
    expect(readers.map((fn) => fn.Properties.FunctionName).sort()).toEqual([
      'byodkim-rotation-prod-Monitor',
      'byodkim-rotation-prod-PrepareRotation',
    ]);
    for (const reader of readers) {
      expect(reader.Properties.Environment?.Variables?.CONFIG_OBJECT_KEY).toBe(key);
      expect(reader.DependsOn).toContain(logicalId);
    }
  });

  it('names the outputs the CLI reads, whatever stack holds the construct, and leaves them out on request', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'ApprovalEndpoint',
      'ConfigurationKey',
      'KeyStoreBucket',
      'OperatorPolicyArn',
      'StateMachineArn',
    ]);
    const key = Object.values(template.findResources(CONFIG_RESOURCE_TYPE) as Resources)[0]?.Properties.Key;
    expect(outputs.ConfigurationKey?.Value).toBe(key);

    const other = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Own');
    new ByodkimRotation(other, 'Dkim', { config: prodConfig, stackOutputs: false });
    expect(Template.fromStack(other).findOutputs('*')).toEqual({});
  });

  it('lets the configuration writer put configuration objects only: no read, no key, no other prefix', () => {
    const statements = policyOfRole('ConfigurationWriter');
    const byAction = Object.fromEntries(
      statements.map((statement) => [
        actionsOf(statement).sort().join(','),
        JSON.stringify(resourcesOf(statement)),
      ]),
    );
    expect(Object.keys(byAction).sort()).toEqual([
      'kms:GenerateDataKey',
      'logs:CreateLogStream,logs:PutLogEvents',
      's3:PutObject',
    ]);
    expect(byAction['s3:PutObject']).toMatch(/"\/config\/\*"\]\]\}\]$/);
    const dataKey = statements.find((statement) => actionsOf(statement).includes('kms:GenerateDataKey'));
    expect(JSON.stringify(dataKey)).toContain('"kms:ViaService":{"Fn::Join":["",["s3.",');
  });
});

describe('ByodkimRotation with a per-client limit on the approval API (approvalRateLimit)', () => {
  const { app, stack, template } = synthStack('prod', undefined, {
    rotation: { approvalRateLimit: { limit: 50, evaluationWindowSeconds: 120 } },
  });

  it('puts a regional AWS WAF web ACL with one rate-based rule per client IP in front of a REST API', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: {
            RateBasedStatement: { AggregateKeyType: 'IP', Limit: 50, EvaluationWindowSec: 120 },
          },
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
          VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
        }),
      ],
    });
    const [association] = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation') as Resources);
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain('/stages/');
    expect(association?.Properties.WebACLArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RotationApprovalWebAcl/), 'Arn'],
    });
  });

  it('serves GET and POST /approvals/{id} through the function, with access logs without the query string', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method') as Resources).map(
      (method) => method.Properties.HttpMethod,
    );
    expect(methods.sort()).toEqual(['GET', 'POST']);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }),
      ]),
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage') as Resources);
    const format = (stage?.Properties.AccessLogSetting as { Format: string } | undefined)?.Format ?? '';
    // $context.resourcePath is the template "/approvals/{id}"; the request's own path and query never appear
    expect(format).not.toMatch(/\$context\.path|querystring|requestOverride/i);
    expect(format).toContain('"resource":"$context.resourcePath"');
    expect(format).toContain('$context.wafResponseCode');
  });

  it('points approval links at the REST API stage', () => {
    const notify = Object.values(template.findResources('AWS::Lambda::Function') as Resources).find((fn) =>
      JSON.stringify(fn.Properties).includes('APPROVAL_BASE_URL'),
    );
    const url = JSON.stringify(
      (notify?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables
        .APPROVAL_BASE_URL,
    );
    expect(url).toContain('"https://",{"Ref":"RotationApprovalRestApi');
    expect(url).toMatch(/"\/",\{"Ref":"RotationApprovalRestApiDeploymentStagev1[0-9A-F]+"\},"\/"/);
  });

  it('passes cdk-nag AwsSolutions (APIG3: WAF present) with every finding acknowledged in code', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(app).toBeDefined();
  });

  it('refuses a limit or window AWS WAF would not accept, naming the prop', () => {
    const config = synthStack('prod').config;
    expect(
      validateByodkimRotationProps({
        config,
        approvalRateLimit: { limit: 5, evaluationWindowSeconds: 90 as never },
      }),
    ).toEqual([
      expect.stringMatching(/^props\.approvalRateLimit\.limit = 5: .*from 10/),
      expect.stringMatching(
        /^props\.approvalRateLimit\.evaluationWindowSeconds = 90: must be one of 60, 120, 300, 600/,
      ),
    ]);
  });
});

describe('ByodkimRotation stack (dev)', () => {
  it('takes log retention from the stage config', () => {
    const { template } = synthStack('dev');
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('ByodkimRotation with AUTO domains', () => {
  const auto = (domain: string, hostedZoneId: string) => ({
    domain,
    selectorPrefix: 'p',
    rotationMode: 'AUTO',
    hostedZoneId,
    dnsTeamEmails: ['d@example.jp'],
    opsEmails: ['o@example.jp'],
  });
  const config = parseConfig({
    domains: [
      auto('mail.example.jp', 'Z111'),
      auto('news.example.jp', 'Z111'),
      auto('shop.example.com', 'Z222'),
      {
        domain: 'manual.example.jp',
        selectorPrefix: 'p',
        dnsTeamEmails: ['d@example.jp'],
        opsEmails: ['o@example.jp'],
      },
    ],
  });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Auto');
  new ByodkimRotation(stack, 'Rotation', { config });
  const policies = statementsOf(Template.fromStack(stack));
  const route53Statements = (role: string) =>
    policies
      .filter(({ policy }) => policy.startsWith(`Rotation${role}RoleDefaultPolicy`))
      .map(
        ({ statement }) => statement as Statement & { Condition?: Record<string, Record<string, unknown>> },
      )
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('route53:')));

  it('AUTO domains: Route 53 changes limited to TXT under _domainkey, one action per function', () => {
    for (const [role, action] of [
      ['PublishDnsRecord', 'CREATE'],
      ['RetireOldKey', 'DELETE'],
    ] as const) {
      const changes = route53Statements(role).filter((statement) =>
        actionsOf(statement).includes('route53:ChangeResourceRecordSets'),
      );
      // one statement per hosted zone, naming that zone and the domains in it only
      expect(changes.map((statement) => JSON.stringify(statement.Resource))).toEqual([
        expect.stringContaining('hostedzone/Z111'),
        expect.stringContaining('hostedzone/Z222'),
      ]);
      expect(changes[0]?.Condition).toEqual({
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
          'route53:ChangeResourceRecordSetsActions': [action],
        },
        'ForAllValues:StringLike': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
            '*._domainkey.mail.example.jp',
            '*._domainkey.news.example.jp',
          ],
        },
      });
      expect(changes[1]?.Condition?.['ForAllValues:StringLike']).toEqual({
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['*._domainkey.shop.example.com'],
      });
      const actions = route53Statements(role).flatMap(actionsOf);
      expect(new Set(actions)).toEqual(
        new Set(['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets']),
      );
    }
  });

  it('gives no other function any Route 53 permission', () => {
    const others = policies.filter(
      ({ policy, statement }) =>
        !/^Rotation(PublishDnsRecord|RetireOldKey)Role/.test(policy) &&
        actionsOf(statement).some((action) => action.startsWith('route53:')),
    );
    expect(others).toEqual([]);
  });
});

describe('ByodkimRotation props', () => {
  const config = parseConfig({
    domains: [
      {
        domain: 'mail.example.jp',
        selectorPrefix: 'p',
        dnsTeamEmails: ['d@example.jp'],
        opsEmails: ['o@example.jp'],
      },
    ],
  });

  it('parses its configuration once: the monitor inside it and the writer take the object it validated', () => {
    const fresh = parseConfig(JSON.parse(JSON.stringify(config)));
    const parse = jest.spyOn(RotationConfigSchema, 'safeParse');
    try {
      new ByodkimRotation(
        new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Once'),
        'Rotation',
        {
          config: fresh,
        },
      );
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('synthesizes 1,000 domains with identity/* per region; refuses to list more than 50 identities, naming the prop', () => {
    const fleet = parseConfig({
      domains: Array.from({ length: 1000 }, (_, i) => ({
        domain: `mail${i}.example.jp`,
        selectorPrefix: 'p',
        regions: ['ap-northeast-1', 'us-east-1'],
        dnsTeamEmails: ['dns-team@example.jp'],
        opsEmails: ['mail-ops@example.jp'],
      })),
    });
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Fleet');
    new ByodkimRotation(stack, 'Rotation', { config: fleet, sesIdentityScope: 'regions' });
    const template = Template.fromStack(stack);

    const written = Object.values(template.findResources(CONFIG_RESOURCE_TYPE) as Resources);
    expect(written).toHaveLength(1);
    const encoded = String(written[0]?.Properties.BodyGzipBase64);
    expect(
      parseConfigObject(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8'), 'fleet').domains,
    ).toHaveLength(1000);
    const sesResources = [
      ...new Set(
        statementsOf(template)
          .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('ses:')))
          .flatMap(({ statement }) => resourcesOf(statement).map((resource) => JSON.stringify(resource))),
      ),
    ];
    // identity/* in each of the two regions, and ListEmailIdentities (operators) on *.
    expect(sesResources.filter((resource) => resource.includes('identity/*'))).toHaveLength(2);
    expect(sesResources.every((resource) => /identity\/\*|^"\*"$/.test(resource))).toBe(true);
    expect(
      validateByodkimRotationProps({
        config: parseConfig({ ...fleet, domains: fleet.domains.slice(0, 26) }),
      }),
    ).toEqual([
      expect.stringMatching(
        /^props\.sesIdentityScope = "identities" lists 52 SES identities .* set sesIdentityScope: "regions"/,
      ),
    ]);
  });

  it("reserves the monitor's concurrency only when asked, and expires the lease's old versions", () => {
    // GIVEN the construct without, then with, monitorReservedConcurrency
    const synth = (props: { monitorReservedConcurrency?: number }) => {
      const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Reserve');
      new ByodkimRotation(stack, 'Rotation', { config, ...props });
      return Template.fromStack(stack);
    };
    const monitorOf = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).find((fn) =>
        String(fn.Properties?.FunctionName).endsWith('-Monitor'),
      );

    // WHEN both synthesize
    const plain = synth({});
    const reserved = synth({ monitorReservedConcurrency: 1 });

    // THEN only the second reserves (new accounts cannot), and the key store keeps a week of lease versions
    expect(monitorOf(plain)?.Properties?.ReservedConcurrentExecutions).toBeUndefined();
    expect(monitorOf(reserved)?.Properties?.ReservedConcurrentExecutions).toBe(1);
    plain.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'monitor/', NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
        ]),
      },
    });
  });

  it('collects every invalid prop into one message naming each prop and the fix', () => {
    const stack = new Stack(new App(), 'Invalid');
    expect(
      () =>
        new ByodkimRotation(stack, 'Rotation', {
          config: { ...config, logRetentionDays: 42 as never },
          namePrefix: 'Bad_Prefix',
          memorySize: 64,
          functionTimeout: Duration.minutes(20),
        }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /props\.config\.logRetentionDays = 42[\s\S]*props\.namePrefix = "Bad_Prefix"[\s\S]*props\.memorySize = 64[\s\S]*props\.functionTimeout = 1200s/,
        ),
      }),
    );
  });
});
