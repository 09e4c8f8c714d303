// macrotaskYielder: between its turns a computation runs synchronously; at a turn, timers that came due and messages
// that arrived meanwhile run (a cancel from a worker message or a signal handler is noticed at the next turn).
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { macrotaskYielder } from '../../src-main/core/macrotask';

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('macrotaskYielder', () => {
  it('resolves at once within everyMs of the last turn, without giving timers a turn', async () => {
    const pause = macrotaskYielder(10_000);
    let fired = false;
    setTimeout(() => (fired = true), 0);
    spin(3);
    await pause();
    expect(fired).toBe(false);
  });

  it('lets timers that came due and messages that arrived run at a turn', async () => {
    const pause = macrotaskYielder(1);
    spin(2);
    await pause();
    let fired = false;
    let received = false;
    setTimeout(() => (fired = true), 0);
    const channel = new MessageChannel();
    channel.port1.on('message', () => (received = true));
    channel.port2.postMessage('cancel');
    spin(5);
    expect([fired, received]).toEqual([false, false]);
    await pause();
    channel.port1.close();
    expect([fired, received]).toEqual([true, true]);
  });

});
