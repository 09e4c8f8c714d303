// A one-line progress bar for terminals (redrawn at most ~10 times a second) and sparse plain lines otherwise,
// so logs of headless runs stay readable. The ETA reads "estimating..." until the meter knows the run's rates.
import type { RunProgress } from '../node/jobs/progress-meter';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): { update(p: RunProgress): void; done(): void } {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  return {
    update(p) {
      const fraction = p.total === 0 ? 1 : p.step / p.total;
      const loss = p.loss === null ? '?' : p.loss.toPrecision(4);
      const eta = p.etaSeconds === null ? 'estimating...' : formatSeconds(p.etaSeconds);
      const text = `step ${p.step}/${p.total}  loss ${loss}  ${formatSeconds(p.elapsedSeconds)} elapsed  ETA ${eta}`;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.step !== p.total) return;
        lastDraw = now;
        const width = 28;
        const filled = Math.round(fraction * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${text}\u001b[K`);
        return;
      }
      const decile = Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${(fraction * 100).toFixed(0)}%  ${text}\n`);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
