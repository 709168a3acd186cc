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
});
