import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { executionHtml } from '../../local/runner/html-view';
import { explainUnsigned } from '../../local/runner/probe-explanation';
import type { RotationSummary } from '../../local/runner/rotate';
import { rotate } from '../../local/runner/rotate';
import { DEMO_SCENARIO, loadScenario, type Scenario } from '../../local/scenario';
import { EXIT } from '../exit-codes';

/** Options of `byodkim local rotate`. */
interface LocalRotateOptions {
  readonly scenario: string;
  readonly json?: boolean;
  readonly html?: string;
  readonly debug?: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** The human summary of a rehearsal (also what `npm run demo` prints). */
export function formatSummary(domain: string, summary: RotationSummary): string {
  const lines = [
    '',
    `Result: ${summary.status}${summary.error ? ` (${summary.error})` : ''} in ${seconds(summary.durationMs)}, ${summary.transitions} state transitions`,
    ...(summary.cause ? [`  cause: ${summary.cause}`] : []),
    `  selector: ${summary.selectors.previous ?? 'Easy DKIM'} → ${summary.selectors.new ?? '-'}`,
    ...Object.entries(summary.ses).map(
      ([region, ses]) =>
        `  SES ${region}: ${ses.origin ?? '?'} ${ses.selector ?? ''} ${ses.status ?? '?'}, signing ${ses.signingEnabled ? 'enabled' : 'DISABLED'}`,
    ),
    `  DKIM probe (mail sent through SES at every state, verified against ${domain}'s name servers): ${summary.probe.sent} sent, ${summary.probe.passed} passed, ${summary.probe.failed} failed, ${summary.probe.unsigned} unsigned`,
    `    ${explainUnsigned(summary.probe.unsigned, summary.probe.unsignedIn, summary.unsignedWindowMs)}`,
    `  SES switched (ApplyToSes): ${summary.applyAt ?? 'never'}`,
    `  unsigned window (SES PENDING after a signing change until SUCCESS, longest over regions): ${seconds(summary.unsignedWindowMs)}`,
    `  leak scan (history, logs, notifications, template, Fail causes; ${summary.leaks.kinds.join(', ')}): ${summary.leaks.scanned} documents, ${summary.leaks.found} findings`,
    `  approval page: ${summary.approvals.accepted} decision(s) accepted, ${summary.approvals.refused} attempt(s) refused`,
    `  IAM (every AWS call checked against the synthesized roles and resource policies): ${summary.iam.evaluated} evaluated, ${summary.iam.denied} denied`,
    ...summary.iam.deniedRequests.map(
      (denied) => `    DENIED the ${denied.state} role: ${denied.action} on ${denied.resource}`,
    ),
    ...(summary.route53
      ? [
          `  Route 53 (made by the workflow): ${summary.route53.changes.map((change) => `${change.action} ${change.name}`).join(', ') || 'no change'}`,
        ]
      : []),
  ];
  return lines.join('\n');
}

/**
 * The exit code of a rehearsal: OK only when the rotation succeeded and the synthesized IAM
 * denied nothing the scenario did not revoke on purpose (`iamDeny`). A denial the code coped with
 * still means a role lacks a permission its code needs.
 */
export function rehearsalOutcome(
  summary: Pick<RotationSummary, 'status' | 'iam'>,
  scenario: Pick<Scenario, 'iamDeny'>,
): { readonly exitCode: number; readonly complaint?: string } {
  const unexpected = Object.keys(scenario.iamDeny).length === 0 ? summary.iam.denied : 0;
  const complaint =
    unexpected > 0
      ? `IamDenied: ${unexpected} AWS call(s) of the product were denied by the synthesized IAM, which the scenario did not revoke: a role lacks a permission its code needs.`
      : undefined;
  return {
    exitCode: summary.status === 'SUCCEEDED' && unexpected === 0 ? EXIT.OK : EXIT.NOT_VERIFIED,
    ...(complaint ? { complaint } : {}),
  };
}

/** Runs a scenario file and prints the progress and summary (or one JSON object). */
export async function runLocalRotate(options: LocalRotateOptions): Promise<number> {
  const scenario = loadScenario(options.scenario);
  const progress = (line: string) => {
    if (!options.json) console.log(line);
  };
  progress(
    `Rehearsing scenario "${scenario.name}" for ${scenario.domain} (${scenario.regions.join(', ')}), ${scenario.nameServers} name servers`,
  );
  progress(
    '  starting the local environment: synthesizing the stack, S3, SES, DNS, Step Functions, approval page...',
  );
  const run = await rotate(scenario, {
    onState: (name, elapsedMs) => progress(`  +${seconds(elapsedMs).padStart(7)}  ${name}`),
    ...(options.debug ? { echoLogs: (line: string) => process.stderr.write(`    ${line}\n`) } : {}),
  });
  if (options.html) {
    writeFileSync(
      options.html,
      executionHtml(run.definition, run, `Rehearsal "${scenario.name}" of ${scenario.domain}`),
    );
    progress(`  execution view written to ${options.html}`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(run.summary)}\n`);
  else console.log(formatSummary(scenario.domain, run.summary));
  const outcome = rehearsalOutcome(run.summary, scenario);
  if (outcome.complaint) process.stderr.write(`byodkim: ${outcome.complaint}\n`);
  return outcome.exitCode;
}

/** Registers `byodkim local rotate`. */
export function registerLocalRotate(local: Command): void {
  local
    .command('rotate')
    .description('rehearse a whole rotation offline on the embedded environment, driven by a scenario file')
    .option(
      '--scenario <file>',
      'scenario JSON (see local/scenarios/; default: the happy-path demo)',
      DEMO_SCENARIO,
    )
    .option('--json', 'print one JSON summary object and nothing else on stdout')
    .option('--html <file>', 'also write an HTML view of the execution with the visited path coloured')
    .action(async (options: LocalRotateOptions, command: Command) => {
      const debug = Boolean(command.optsWithGlobals().debug);
      process.exitCode = await runLocalRotate({ ...options, debug });
    });
}
