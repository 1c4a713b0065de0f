import { describe, expect, it } from 'vitest';
import { Backoff } from '../../electron/services/sources/backoff';
import { ConnectionReporter } from '../../electron/services/sources/connectionReporter';
import { SourceHealthTracker } from '../../electron/services/sources/health';
import { recordingSink } from './support';

/** A reporter over a recording sink, a real tracker and a backoff, on a clock the test moves. */
function reporter(): {
  link: ConnectionReporter;
  sink: ReturnType<typeof recordingSink>;
  health: SourceHealthTracker;
  backoff: Backoff;
  clock: { now: number };
} {
  const clock = { now: 1000 };
  const now = (): number => clock.now;
  const sink = recordingSink();
  const health = new SourceHealthTracker({ id: 'live', kind: 'tikfinity', label: 'Live' }, { now });
  const backoff = new Backoff({ random: () => 0.5 });
  const link = new ConnectionReporter(sink, 'live', health, backoff, now);
  return { link, sink, health, backoff, clock };
}

describe('ConnectionReporter', () => {
  it('says connecting, then reconnecting while a gap is open, and closes the gap on connect', () => {
    const { link, sink, health, backoff, clock } = reporter();
    link.attempting();
    expect(health.snapshot().state).toBe('connecting');
    backoff.next();
    link.opened();
    expect(link.connected).toBe(true);
    expect(backoff.attempts).toBe(0);
    expect(health.snapshot()).toMatchObject({ state: 'connected', lastError: null });

    clock.now = 2000;
    health.openGap(clock.now);
    link.closed(clock.now);
    expect(link.connected).toBe(false);
    link.attempting('refused');
    expect(health.snapshot()).toMatchObject({ state: 'reconnecting', lastError: 'refused' });

    clock.now = 3500;
    link.opened();
    expect(health.snapshot().gaps).toEqual([{ from: 2000, to: 3500 }]);
    expect(sink.connections).toEqual([
      { source: 'live', state: 'connected', time: 1000 },
      { source: 'live', state: 'disconnected', time: 2000 },
      { source: 'live', state: 'connected', time: 3500 },
    ]);
  });

  it('tells the sink about a stop only while connected, and only once', () => {
    const { link, sink, clock } = reporter();
    link.release();
    expect(sink.connections).toEqual([]);
    link.opened();
    clock.now = 4000;
    link.release();
    link.release();
    expect(sink.connections).toEqual([
      { source: 'live', state: 'connected', time: 1000 },
      { source: 'live', state: 'disconnected', time: 4000 },
    ]);
  });
});
