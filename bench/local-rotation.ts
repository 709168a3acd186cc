import { join } from 'node:path';
import { rotate } from '../local/runner/rotate';
import { loadScenario } from '../local/scenario';
import { type BenchRow, median } from './stats';

const RUNS = 3;

/** Wall time, transitions and unsigned window of `RUNS` rehearsals of one shipped scenario. */
async function rehearseScenario(
  name: string,
): Promise<{ durations: number[]; transitions: number[]; unsignedWindows: number[] }> {
  const scenario = loadScenario(join(__dirname, '../local/scenarios', `${name}.json`));
  const durations: number[] = [];
  const transitions: number[] = [];
  const unsignedWindows: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { summary } = await rotate(scenario);
    if (summary.status !== 'SUCCEEDED') throw new Error(`bench rehearsal ${name} failed: ${summary.error}`);
    durations.push(summary.durationMs);
    transitions.push(summary.transitions);
    unsignedWindows.push(summary.unsignedWindowMs);
  }
  return { durations, transitions, unsignedWindows };
}

/**
 * The happy-path rehearsal end to end (environment start, synth, every state, probe, leak scan):
 * wall time and state transitions, median of 3. SES's 1 request/s is modelled, so most of the
 * time is the workflow backing off from throttling, as it would in AWS. The same for rotationMode
 * AUTO (Route 53 stand-in, 300 ms until a change reaches the name servers, polled every 40 ms).
 * The happy path's unsigned window is SES's PENDING time after the switch as the stand-in logs it:
 * the scenario holds SES PENDING for 1 s once the record is found (`ses.afterMs`), so the figure is
 * that second plus how long the stand-in takes to settle it (ConfirmSesStatus's polls refresh it).
 */
export async function benchLocalRotation(): Promise<BenchRow[]> {
  const manual = await rehearseScenario('happy-path');
  const auto = await rehearseScenario('auto-route53');
  return [
    {
      benchmark: 'local rotation',
      metric: `happy-path rehearsal wall time (median of ${RUNS})`,
      value: median(manual.durations),
      unit: 'ms',
    },
    {
      benchmark: 'local rotation',
      metric: 'state transitions, happy path (median)',
      value: median(manual.transitions),
      unit: 'count',
    },
    {
      benchmark: 'local rotation',
      metric: 'unsigned window, happy path: switch to SES SUCCESS (median)',
      value: median(manual.unsignedWindows),
      unit: 'ms',
      note: "summary.unsignedWindowMs; scenario ses.afterMs 1000 (the stand-in's PENDING time once the record is found)",
    },
    {
      benchmark: 'local rotation',
      metric: `AUTO (Route 53) rehearsal wall time (median of ${RUNS})`,
      value: median(auto.durations),
      unit: 'ms',
    },
    {
      benchmark: 'local rotation',
      metric: 'state transitions, AUTO incl. polls while the change propagates (median)',
      value: median(auto.transitions),
      unit: 'count',
    },
  ];
}
