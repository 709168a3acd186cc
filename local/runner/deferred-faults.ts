/**
 * Scenario faults that wait for a state. A fault with `afterState` is not armed on its stand-in
 * until the execution has left that state (its first StateExited event), so a rehearsal can fail
 * a request that only comes later — an S3 write after ApplyToSes — without it firing earlier (the
 * seeding of the previous key, GenerateKey's writes) on the same operation.
 */
import type { LocalAws, LocalFaultSpec } from '../aws-stand-ins';
import type { Scenario } from '../scenario';

type ScenarioFault = Scenario['faults'][number];

/** A scenario's faults: those armed from the start, and a hook that arms the others on time. */
export interface ScheduledFaults {
  /** The faults to give the stand-ins when they start. */
  readonly fromStart: readonly LocalFaultSpec[];
  /** Arms, once, the faults waiting for `stateName` (call it on each StateExited event). */
  stateExited(stateName: string, aws: Pick<LocalAws, 's3' | 'ses'>): void;
}

function spec(fault: ScenarioFault): LocalFaultSpec {
  const { afterState: _afterState, ...rest } = fault;
  return rest;
}

/** Splits a scenario's faults into those armed from the start and those armed after a state. */
export function scheduleFaults(faults: readonly ScenarioFault[]): ScheduledFaults {
  const waiting = faults.filter((fault) => fault.afterState !== undefined);
  return {
    fromStart: faults.filter((fault) => fault.afterState === undefined).map(spec),
    stateExited(stateName, aws) {
      for (let index = waiting.length - 1; index >= 0; index -= 1) {
        const fault = waiting[index] as ScenarioFault;
        if (fault.afterState !== stateName) continue;
        waiting.splice(index, 1);
        const { service, ...rest } = spec(fault);
        aws[service].faults.add(rest);
      }
    },
  };
}
