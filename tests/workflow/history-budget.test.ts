/**
 * The history model of shared/workflow-history.ts against the synthesized state machine: the
 * longest path through the real definition, each state costing what its Retry rules allow, gives
 * the same number of events as the model the configuration schema uses.
 */
import type { BackoffSettings } from '../../shared/workflow-history';
import {
  EVENTS_PER_CALLBACK_ATTEMPT,
  EVENTS_PER_LAMBDA_ATTEMPT,
  MAX_APPLY_WINDOW_WAITS,
  maxPolls,
  worstCaseHistoryEvents,
} from '../../shared/workflow-history';
import { STATE } from '../../workflows/states';
import { type Asl, type AslState, definitionOf, edges, synthStack } from './support/synth';

/** ASL's MaxAttempts when a Retrier leaves it out. */
const ASL_DEFAULT_MAX_ATTEMPTS = 3;

/** Events one entry into `state` can write, every Retrier spent. */
function stateEvents(state: AslState): number {
  switch (state.Type) {
    case 'Task': {
      const retries = (state.Retry ?? []).reduce(
        (sum, rule) => sum + (rule.MaxAttempts ?? ASL_DEFAULT_MAX_ATTEMPTS),
        0,
      );
      const perAttempt = state.Resource?.endsWith('.waitForTaskToken')
        ? EVENTS_PER_CALLBACK_ATTEMPT
        : EVENTS_PER_LAMBDA_ATTEMPT;
      return 2 + perAttempt * (1 + retries);
    }
    case 'Fail':
      return 1;
    default:
      return 2;
  }
}

/**
 * The costliest walk from StartAt to a Fail or Succeed state: each state entered at most once,
 * except the approval loop (NotifyDnsTeam, SendReminder), entered up to maxReminders + 1 times,
 * the SES polling loops, whose task and Choice are entered up to maxPolls times (the task stops
 * polling there) and whose Wait one time fewer, and the apply-window loop (VerifyDnsRecord,
 * WhenToApply, WaitForApplyWindow), entered once plus once per allowed wait when a domain has an
 * apply window (without one, WaitForApplyWindow is never entered: VerifyDnsRecord only asks for
 * the wait when the plan has a window).
 */
function longestExecution(
  asl: Asl,
  maxReminders: number,
  sesConfirmation: BackoffSettings,
  applyWindow: boolean,
): number {
  const polls = maxPolls(sesConfirmation);
  const waits = applyWindow ? MAX_APPLY_WINDOW_WAITS : 0;
  const limits = new Map<string, number>([
    [STATE.NotifyDnsTeam, maxReminders + 1],
    [STATE.SendReminder, maxReminders + 1],
    [STATE.ConfirmSesStatus, polls],
    [STATE.SesConfirmed, polls],
    [STATE.WaitForSesStatus, polls - 1],
    [STATE.ConfirmRollback, polls],
    [STATE.RollbackConfirmed, polls],
    [STATE.WaitForRollbackStatus, polls - 1],
    [STATE.VerifyDnsRecord, waits + 1],
    [STATE.WhenToApply, waits + 1],
    [STATE.WaitForApplyWindow, waits],
  ]);
  const limit = (name: string) => limits.get(name) ?? 1;
  const visits = new Map<string, number>();
  const walk = (name: string): number => {
    const state = asl.States[name];
    if (state === undefined) throw new Error(`no state ${name}`);
    const seen = visits.get(name) ?? 0;
    if (seen >= limit(name)) return Number.NEGATIVE_INFINITY;
    visits.set(name, seen + 1);
    const onward =
      state.Type === 'Fail' || state.Type === 'Succeed'
        ? 0
        : Math.max(Number.NEGATIVE_INFINITY, ...edges(state).map((edge) => walk(edge.to)));
    visits.set(name, seen);
    return stateEvents(state) + onward;
  };
  // ExecutionStarted and ExecutionSucceeded | ExecutionFailed.
  return 2 + walk(asl.StartAt);
}

describe('execution history model against the synthesized workflow', () => {
  it.each([
    ['prod', 0, false],
    ['prod', 3, true],
    ['dev', 10, false],
    ['dev', 10, true],
  ])(
    'counts the longest %s rotation with %i reminders (apply window: %s) exactly as the configuration check does',
    (stage, reminders, applyWindow) => {
      const { template, config } = synthStack(stage);
      const asl = definitionOf(template);

      const walked = longestExecution(asl, reminders, config.sesConfirmation, applyWindow);
      const modelled = worstCaseHistoryEvents({
        dnsVerification: config.dnsVerification,
        sesConfirmation: config.sesConfirmation,
        maxReminders: reminders,
        applyWindow,
      }).total;

      expect(walked).toBeGreaterThan(1000);
      expect(modelled).toBe(walked);
    },
  );
});
