// The CLI's progress line: "ETA estimating..." until the run's rates are known, then the estimate; plain lines at
// each tenth when the stream is not a terminal.
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src-main/cli/progress-bar';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write: (chunk: string) => ((stream.text += chunk), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress bar', () => {
  it('says "estimating..." before the first estimate and the ETA after it', () => {
    const stream = fakeStream(false);
    const reporter = createProgressReporter(stream);
    reporter.update({ step: 1, total: 2000, loss: 0.69, elapsedSeconds: 0.9, etaSeconds: null });
    reporter.update({ step: 400, total: 2000, loss: 0.2, elapsedSeconds: 5, etaSeconds: 312 });
    reporter.update({ step: 2000, total: 2000, loss: null, elapsedSeconds: 9, etaSeconds: 0 });
    reporter.done();
    expect(stream.text.split('\n')).toEqual([
      '0%  step 1/2000  loss 0.6900  1s elapsed  ETA estimating...',
      '20%  step 400/2000  loss 0.2000  5s elapsed  ETA 5m12s',
      '100%  step 2000/2000  loss ?  9s elapsed  ETA 0s',
      '',
    ]);
  });
});
