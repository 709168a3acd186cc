import { executionHtml } from '../../../local/runner/html-view';
import type { RotationRun } from '../../../local/runner/rotate';
import type { AslDefinition } from '../../../local/sfn/engine';

const definition = {
  StartAt: 'A',
  States: {
    A: { Type: 'Task', Next: 'B' },
    B: { Type: 'Task', Next: 'Done' },
    Other: { Type: 'Pass', End: true },
    Done: { Type: 'Fail', Error: 'X' },
  },
} as unknown as AslDefinition;

function runOf(events: unknown[], status: 'SUCCEEDED' | 'FAILED'): RotationRun {
  return {
    summary: { status, ...(status === 'FAILED' ? { error: 'X' } : {}), durationMs: 1500, transitions: 3 },
    execution: { name: 'exec-<1>', events, redriveCount: 0 },
  } as unknown as RotationRun;
}

describe('the HTML view of a local execution', () => {
  it('colours the visited path, the state it failed in, and leaves the rest grey, escaping names', () => {
    const state = (name: string) => ({ name, type: 'Task', input: {} });
    const html = executionHtml(
      definition,
      runOf(
        [
          { type: 'ExecutionStarted', timestamp: 1000 },
          { type: 'StateEntered', timestamp: 1000, state: state('A') },
          { type: 'StateEntered', timestamp: 1500, state: state('B') },
          { type: 'StateRetried', timestamp: 1600, state: state('B') },
          { type: 'StateEntered', timestamp: 2000, state: { name: 'Done', type: 'Fail', input: {} } },
        ],
        'FAILED',
      ),
      'Rehearsal <x>',
    );
    expect(html).toContain(
      '<tr class="visited"><td>A</td><td>Task</td><td>+0.00 s</td><td>1</td><td>0</td></tr>',
    );
    expect(html).toContain(
      '<tr class="visited"><td>B</td><td>Task</td><td>+0.50 s</td><td>1</td><td>1</td></tr>',
    );
    expect(html).toContain('<tr class="failed"><td>Done</td>');
    expect(html).toContain('<tr class="not-visited"><td>Other</td>');
    expect(html).toContain('Rehearsal &#60;x&#62;');
    expect(html).toContain('exec-&#60;1&#62;');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('shows the Path: per state entered its time, duration, retries and error with cause, coloured, all escaped', () => {
    // GIVEN B retried once, then C failing with a Lambda error a Catch handled, then the Fail state
    const withCatch = {
      StartAt: 'B',
      States: {
        B: { Type: 'Task', Resource: 'arn:aws:lambda:local:0:function:B', Next: 'C' },
        C: { Type: 'Task', Resource: 'arn:aws:lambda:local:0:function:C', Next: 'Done' },
        Done: { Type: 'Fail', Error: 'RotationRolledBack' },
      },
    } as unknown as AslDefinition;
    const state = (name: string, type = 'Task') => ({ name, type, input: {} });
    const lambdaCause = JSON.stringify({
      errorType: 'SesDkimFailed',
      errorMessage: 'SES could not verify <s2> in ap-northeast-1 (FAILED)',
      trace: ['at secret/path.js'],
    });
    const run = runOf(
      [
        { type: 'ExecutionStarted', timestamp: 1000, input: {} },
        { type: 'StateEntered', timestamp: 1000, state: state('B') },
        { type: 'StateFailed', timestamp: 1100, state: state('B'), Error: 'Throttled', Cause: 'slow down' },
        { type: 'StateRetried', timestamp: 1100, state: state('B') },
        { type: 'StateExited', timestamp: 1250, state: state('B') },
        { type: 'StateEntered', timestamp: 1250, state: state('C') },
        {
          type: 'StateFailed',
          timestamp: 1300,
          state: state('C'),
          Error: 'SesDkimFailed',
          Cause: lambdaCause,
        },
        { type: 'StateCaught', timestamp: 1300, state: state('C') },
        { type: 'StateExited', timestamp: 1300, state: state('C') },
        { type: 'StateEntered', timestamp: 1400, state: state('Done', 'Fail') },
        {
          type: 'StateFailed',
          timestamp: 1400,
          state: state('Done', 'Fail'),
          Error: 'RotationRolledBack',
          Cause: 'x',
        },
        { type: 'ExecutionFailed', timestamp: 1400, Error: 'RotationRolledBack', Cause: 'x' },
      ],
      'FAILED',
    );

    // WHEN the page is rendered
    const html = executionHtml(withCatch, run, 'Rehearsal');

    // THEN each entry is a row in order, coloured by how it ended, with the cause's message only
    expect(html).toContain(
      '<tr class="retried"><td>+0.00 s</td><td>B</td><td>retried</td><td>0.25 s</td><td>1</td><td>Throttled: slow down</td></tr>',
    );
    expect(html).toContain(
      '<tr class="caught"><td>+0.25 s</td><td>C</td><td>caught</td><td>0.05 s</td><td>0</td><td>SesDkimFailed: SES could not verify &#60;s2&#62; in ap-northeast-1 (FAILED)</td></tr>',
    );
    expect(html).toContain('<tr class="failed"><td>+0.40 s</td><td>Done</td><td>failed</td>');
    expect(html).not.toContain('secret/path.js');
  });
});
