import { createPrivateKey, type KeyObject } from 'node:crypto';
import { failureCause } from '../../shared/rotation/failure-cause';
import { STATE } from '../../workflows/states';
import type { IamSummary } from '../iam/local-iam';
import { type LeakKind, type LeakReport, type ScannedDocument, scanForLeaks } from '../leak-scan';
import { DkimProbe, type ProbeCounts, type ProbeResult } from '../probe';
import type { Scenario } from '../scenario';
import { unsignedWindowMs } from '../ses/unsigned-window';
import type { AslDefinition, EventLog, LocalExecution } from '../sfn/engine';
import { SimulatedDnsTeam } from './dns-team';
import { type LocalEnvironment, startLocalEnvironment } from './environment';
import { localTxtResolver } from './local-resolver';
import { unsignedStates } from './probe-explanation';

/** The JSON summary of `byodkim local rotate --json` (the contract of issue 6 and 7). */
export interface RotationSummary {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  /**
   * Why it failed, next to `error`: `<state> (<error>): <cause>`, read from the execution history
   * as for a deployed execution (shared/rotation/failure-cause.ts): the task error behind a Fail
   * state, sanitised, never record text or key material. Absent when it succeeded.
   */
  readonly cause?: string;
  readonly statesVisited: string[];
  readonly transitions: number;
  readonly durationMs: number;
  readonly selectors: { readonly previous: string | null; readonly new: string | null };
  readonly ses: Record<
    string,
    { origin: string | null; selector: string | null; status: string | null; signingEnabled: boolean | null }
  >;
  /**
   * The probe's tally, and `unsignedIn`: the states (probe labels, `after` = once the run ended)
   * in which probe mail went out unsigned.
   */
  readonly probe: ProbeCounts & { readonly unsignedIn: readonly string[] };
  /**
   * The longest time, over regions, from a signing change reaching SES until SES reported
   * SUCCESS: the window mail went out unsigned. A change that never reached SUCCESS counts until
   * the end of the run; changes in between (a rollback) extend the same window. 0 when SES was
   * never changed. Measured from the SES stand-in's switch log, not from the workflow's polls.
   */
  readonly unsignedWindowMs: number;
  /**
   * The leak scan: documents scanned, leaks found, and what was looked for (`kinds`: private key
   * material and task tokens everywhere, AWS identifiers in notifications and Fail causes).
   */
  readonly leaks: { readonly scanned: number; readonly found: number; readonly kinds: readonly LeakKind[] };
  readonly approvals: { readonly accepted: number; readonly refused: number };
  /**
   * The AWS calls of the product's code (tasks, approval endpoint, operators' CLI) authorized
   * against the synthesized IAM, and those denied, by the principal's state name.
   */
  readonly iam: IamSummary;
  /**
   * When ApplyToSes changed SES (its `appliedAt`, RFC 3339), the last time if it ran more than
   * once; null when the run never got there. With an apply window it is inside the window: the
   * rehearsal shortens WaitForApplyWindow but moves the task code's clock to the window's opening.
   */
  readonly applyAt: string | null;
  /** rotationMode AUTO: the changes the workflow made in the domain's hosted zone, in order. */
  readonly route53?: { readonly changes: readonly { readonly action: string; readonly name: string }[] };
}

/** Everything a run produced, for tests and the HTML view. */
export interface RotationRun {
  readonly summary: RotationSummary;
  /** The state machine definition that ran (flattened from the synthesized template). */
  readonly definition: AslDefinition;
  readonly execution: LocalExecution;
  readonly probeResults: readonly ProbeResult[];
  readonly leakReport: LeakReport;
  readonly approvalAttempts: ReadonlyArray<{ kind: string; method: string; status: number }>;
}

/** Progress callbacks of a run. */
export interface RotateOptions {
  /** Called when a state is entered, with the time since the start. */
  readonly onState?: (stateName: string, elapsedMs: number, event: EventLog) => void;
  /** Echo the task code's log lines (e.g. to stderr). */
  readonly echoLogs?: (line: string) => void;
  /** Called after the environment is up, before the rotations start (tests poke at it). */
  readonly beforeStart?: (env: LocalEnvironment) => void | Promise<void>;
  /** Called once every rotation has started (e.g. to try a duplicate start). */
  readonly afterStart?: (env: LocalEnvironment) => void | Promise<void>;
  /** Called after the runs ended, before the environment stops (to inspect S3, SES, DNS). */
  readonly inspect?: (env: LocalEnvironment, runs: readonly RotationRun[]) => void | Promise<void>;
}

/**
 * Every document of the run that must not hold a secret: history, logs, notifications, template;
 * and, shown to people, the notifications and the Fail causes (each failure event's Cause: what
 * the console, DescribeExecution and a Catch hand on).
 */
function documentsOf(env: LocalEnvironment, execution: LocalExecution): ScannedDocument[] {
  const documents: ScannedDocument[] = execution.events.map((event, index) => ({
    source: `history:${index}:${event.type}${'state' in event ? `:${event.state.name}` : ''}`,
    text: JSON.stringify(event),
  }));
  execution.events.forEach((event, index) => {
    const cause = (event as { Cause?: unknown }).Cause;
    if (cause === undefined) return;
    documents.push({
      source: `fail-cause:${index}:${event.type}`,
      text: typeof cause === 'string' ? cause : JSON.stringify(cause),
      shownToPeople: true,
    });
  });
  env.logger.texts().forEach((text, index) => {
    documents.push({ source: `log:${index}`, text });
  });
  env.outbox.sent.forEach((notification, index) => {
    documents.push({
      source: `notification:${index}`,
      text: `${notification.subject}\n${notification.message}`,
      shownToPeople: true,
    });
  });
  documents.push({ source: 'template', text: env.templateText });
  return documents;
}

/** Every private key in the bucket at the end of the run (what must never leak). */
function privateKeysOf(env: LocalEnvironment): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const object of env.aws.s3.dump({ includeHistory: true })) {
    if (!object.key.endsWith('private-key.pem')) continue;
    try {
      keys.push(createPrivateKey(object.body.toString('utf8')));
    } catch {
      // not a key: nothing to look for
    }
  }
  return keys;
}

/**
 * Rehearses one rotation: starts the environment, lets the simulated DNS team act, runs the
 * synthesized state machine to its end (redriving once when the scenario says so), probes DKIM at
 * every state entered, scans everything written for secrets, and summarises.
 */
export async function rotate(scenario: Scenario, options: RotateOptions = {}): Promise<RotationRun> {
  const [run] = await rotateDomains([scenario], options);
  return run as RotationRun;
}

/**
 * Rehearses the rotations of several domains at once on one environment (one state machine, one
 * bucket, the same name servers): each domain has its own scenario, DNS team and summary.
 */
export async function rotateDomains(
  scenarios: readonly Scenario[],
  options: RotateOptions = {},
): Promise<RotationRun[]> {
  const started = Date.now();
  const pendingProbes: Promise<unknown>[] = [];
  const probes = new Map<string, DkimProbe>();
  const byExecution = new Map<string, Scenario>();
  const env = await startLocalEnvironment({
    scenarios,
    ...(options.echoLogs ? { echoLogs: options.echoLogs } : {}),
    onEvent: (execution, event) => {
      if (event.type !== 'StateEntered') return;
      options.onState?.(event.state.name, Date.now() - started, event);
      const scenario = byExecution.get(execution.executionArn);
      const probe = scenario ? probes.get(scenario.domain) : undefined;
      if (scenario && probe)
        pendingProbes.push(probe.sendAll(scenario.regions, scenario.domain, event.state.name));
    },
  });
  try {
    const teams = new Map<string, SimulatedDnsTeam>();
    for (const scenario of scenarios) {
      probes.set(
        scenario.domain,
        new DkimProbe({
          sesClient: (region) => env.aws.sesClient(region),
          mailbox: env.aws.mailbox,
          // Generous timeouts: the servers share the event loop with everything else of the
          // rehearsal, and a lookup timing out would count as a DKIM failure of the probe.
          resolver: localTxtResolver(env.dns.zones(), { timeoutMs: 2_000, retries: 2 }),
        }),
      );
      teams.set(scenario.domain, new SimulatedDnsTeam(env, scenario));
      if (scenario.crashAfterState) env.sfn.crashAfter(scenario.crashAfterState);
    }
    await options.beforeStart?.(env);
    const rotations = await Promise.all(
      scenarios.map(async (scenario) => {
        const rotation = await env.start(scenario.domain);
        byExecution.set(rotation.executionArn, scenario);
        return rotation;
      }),
    );
    await options.afterStart?.(env);
    const runs = await Promise.all(
      scenarios.map(async (scenario, index) => {
        const rotation = rotations[index] as (typeof rotations)[number];
        const probe = probes.get(scenario.domain) as DkimProbe;
        const team = teams.get(scenario.domain) as SimulatedDnsTeam;
        let execution = await env.sfn.whenDone(rotation.executionArn);
        if (execution.status === 'FAILED' && scenario.redrive && execution.failedState) {
          env.sfn.redrive(execution.executionArn);
          execution = await env.sfn.whenDone(execution.executionArn);
        }
        await Promise.all(pendingProbes);
        await probe.sendAll(scenario.regions, scenario.domain, 'after');
        await team.settled();
        return summarise(env, scenario, rotation.selector, execution, probe, team, started);
      }),
    );
    await options.inspect?.(env, runs);
    return runs;
  } finally {
    await Promise.allSettled(pendingProbes);
    await env.stop();
  }
}

/** ApplyToSes's `appliedAt` in the execution's last ApplyToSes output, or null. */
function appliedAt(execution: LocalExecution): string | null {
  for (const event of [...execution.events].reverse()) {
    if (event.type !== 'StateExited' || event.state.name !== STATE.ApplyToSes) continue;
    const at = (event.state.output as { ses?: { appliedAt?: unknown } } | undefined)?.ses?.appliedAt;
    return typeof at === 'string' ? at : null;
  }
  return null;
}

async function summarise(
  env: LocalEnvironment,
  scenario: Scenario,
  newSelector: string,
  execution: LocalExecution,
  probe: DkimProbe,
  team: SimulatedDnsTeam,
  started: number,
): Promise<RotationRun> {
  const ses: RotationSummary['ses'] = {};
  for (const region of scenario.regions) {
    const identity = await env.aws.ses.describe(region, scenario.domain);
    ses[region] = {
      origin: identity?.origin ?? null,
      selector: identity?.selector ?? null,
      status: identity?.status ?? null,
      signingEnabled: identity?.signingEnabled ?? null,
    };
  }
  const secrets = { privateKeys: privateKeysOf(env), taskTokens: env.sfn.tokens.minted };
  const leakReport = scanForLeaks(documentsOf(env, execution), secrets);
  const entered = execution.events.flatMap((event) =>
    event.type === 'StateEntered' ? [event.state.name] : [],
  );
  const retried = execution.events.filter((event) => event.type === 'StateRetried').length;
  const failed = execution.status !== 'SUCCEEDED';
  const cause = failed ? failureCause(env.sfn.history(execution.executionArn)) : undefined;
  const summary: RotationSummary = {
    status: failed ? 'FAILED' : 'SUCCEEDED',
    ...(failed ? { error: execution.error ?? 'Unknown' } : {}),
    ...(cause ? { cause: cause.text } : {}),
    statesVisited: [...new Set(entered)],
    transitions: entered.length + retried,
    durationMs: Date.now() - started,
    selectors: { previous: env.seeded.get(scenario.domain)?.selector ?? null, new: newSelector },
    ses,
    probe: { ...probe.counts(), unsignedIn: unsignedStates(probe.results()) },
    unsignedWindowMs: unsignedWindowMs(env.aws.ses.switches(), scenario.domain, Date.now()),
    leaks: { scanned: leakReport.scanned, found: leakReport.found, kinds: leakReport.kinds },
    approvals: { accepted: team.tally.accepted, refused: team.tally.refused },
    iam: env.iam.summary(),
    applyAt: appliedAt(execution),
    ...(scenario.rotationMode === 'AUTO'
      ? {
          route53: {
            changes: env.route53
              .changes()
              .filter((change) => change.domain === scenario.domain)
              .map((change) => ({ action: change.action, name: change.name })),
          },
        }
      : {}),
  };
  return {
    summary,
    definition: env.definition,
    execution,
    probeResults: probe.results(),
    leakReport,
    approvalAttempts: team.tally.attempts,
  };
}
