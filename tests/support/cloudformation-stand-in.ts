/**
 * A minimal CloudFormation stand-in for tests (not shipped): the awsQuery API's `DescribeStacks`,
 * enough for the operator CLI to read a stack's outputs through an unmodified
 * `CloudFormationClient` pointed at it (`AWS_ENDPOINT_URL_CLOUDFORMATION`). It answers as
 * CloudFormation does:
 *
 * - `POST /` with a form-encoded body `Action=DescribeStacks&Version=2010-05-15[&StackName=…]`;
 * - `DescribeStacksResponse/DescribeStacksResult/Stacks/member/…/Outputs/member/{OutputKey,OutputValue}`,
 *   every stack when no `StackName` is given, the one named (by name or stack id) otherwise;
 * - a stack that does not exist: 400 `ValidationError` "Stack with id X does not exist" in the
 *   standard `<ErrorResponse>` document, so the SDK raises an error named `ValidationError`;
 * - any other action: 400 `InvalidAction`.
 *
 * Signatures are not checked; it listens on 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from '../../local/http';
import { xmlElement } from '../../local/s3/xml';

const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** A deployed stack as the stand-in describes it. */
export interface StandInStack {
  readonly stackName: string;
  /** Output key → value, e.g. `{ StateMachineArn: 'arn:…', KeyStoreBucket: '…' }`. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** Options of {@link startCloudFormationStandIn}. */
export interface CloudFormationStandInOptions {
  readonly stacks: readonly StandInStack[];
  /** Region in the stack ids. @default 'ap-northeast-1' */
  readonly region?: string;
}

/** One request the stand-in answered, for assertions. */
export interface CloudFormationRequest {
  readonly action: string | null;
  readonly stackName: string | null;
  readonly status: number;
}

/** The running stand-in. */
export interface CloudFormationStandIn {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL_CLOUDFORMATION`. */
  readonly endpoint: string;
  /** Every request answered, in order. */
  readonly requests: readonly CloudFormationRequest[];
  /** Stops the server and drops every connection. */
  stop(): Promise<void>;
}

function stackId(region: string, stackName: string): string {
  const suffix = Buffer.from(stackName).toString('hex').padEnd(32, '0').slice(0, 32);
  const uuid = `${suffix.slice(0, 8)}-${suffix.slice(8, 12)}-${suffix.slice(12, 16)}-${suffix.slice(16, 20)}-${suffix.slice(20)}`;
  return `arn:aws:cloudformation:${region}:000000000000:stack/${stackName}/${uuid}`;
}

function document(root: string, children: readonly string[]): string {
  return `<${root} xmlns="${CLOUDFORMATION_NAMESPACE}">${children.join('')}</${root}>\n`;
}

function errorDocument(code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  return document('ErrorResponse', [
    xmlElement('Error', [xmlElement('Type', type), xmlElement('Code', code), xmlElement('Message', message)]),
    xmlElement('RequestId', randomUUID()),
  ]);
}

function stackMember(region: string, stack: StandInStack): string {
  return xmlElement('member', [
    xmlElement('StackName', stack.stackName),
    xmlElement('StackId', stackId(region, stack.stackName)),
    xmlElement('CreationTime', '2026-01-05T00:00:00.000Z'),
    xmlElement('StackStatus', 'CREATE_COMPLETE'),
    xmlElement(
      'Outputs',
      Object.entries(stack.outputs).map(([key, value]) =>
        xmlElement('member', [xmlElement('OutputKey', key), xmlElement('OutputValue', value)]),
      ),
    ),
  ]);
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startCloudFormationStandIn(
  options: CloudFormationStandInOptions,
): Promise<CloudFormationStandIn> {
  const region = options.region ?? 'ap-northeast-1';
  const requests: CloudFormationRequest[] = [];

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const form = new URLSearchParams((await readBody(request)).toString('utf8'));
    const action = form.get('Action');
    const stackName = form.get('StackName');
    const send = (status: number, body: string) => {
      requests.push({ action, stackName, status });
      response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      response.end(body);
    };
    if (request.method !== 'POST' || action !== 'DescribeStacks') {
      send(
        400,
        errorDocument('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`),
      );
      return;
    }
    const found = stackName
      ? options.stacks.filter(
          (stack) => stack.stackName === stackName || stackId(region, stack.stackName) === stackName,
        )
      : options.stacks;
    if (stackName && found.length === 0) {
      send(400, errorDocument('ValidationError', `Stack with id ${stackName} does not exist`));
      return;
    }
    send(
      200,
      document('DescribeStacksResponse', [
        xmlElement('DescribeStacksResult', [
          xmlElement(
            'Stacks',
            found.map((stack) => stackMember(region, stack)),
          ),
        ]),
        xmlElement('ResponseMetadata', [xmlElement('RequestId', randomUUID())]),
      ]),
    );
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/xml' });
      response.end(errorDocument('InternalFailure', String(error), 'Receiver'));
    });
  });
  const endpoint = await listenOnLoopback(server);
  return { endpoint, requests, stop: () => closeServer(server) };
}
