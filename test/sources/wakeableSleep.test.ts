import { describe, expect, it } from 'vitest';
import { WakeableSleep } from '../../electron/services/sources/wakeableSleep';

describe('WakeableSleep', () => {
  it('ends a long wait at once when woken', async () => {
    const sleeper = new WakeableSleep();
    let ended = false;
    const wait = sleeper.sleep(10 * 60_000).then(() => {
      ended = true;
    });
    await Promise.resolve();
    expect(ended).toBe(false);
    sleeper.wake();
    await wait;
    expect(ended).toBe(true);
  });

  it('is harmless to wake with nothing waiting, or twice', async () => {
    const sleeper = new WakeableSleep();
    sleeper.wake();
    const wait = sleeper.sleep(10 * 60_000);
    sleeper.wake();
    sleeper.wake();
    await expect(wait).resolves.toBeUndefined();
  });
});
