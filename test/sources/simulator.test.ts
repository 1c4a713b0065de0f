import { describe, expect, it } from 'vitest';
import {
  SimulatorSource,
  TrafficGenerator,
  type SimulatedGift,
} from '../../electron/services/sources/simulator';
import { SourceError } from '../../electron/services/sources/sourceError';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import { recordingSink, waitFor } from './support';

const T0 = Date.UTC(2026, 0, 1);

function gifts(seed: number, n: number, storm = false): SimulatedGift[] {
  const generator = new TrafficGenerator({ seed, idPrefix: 'sim-test' });
  return Array.from({ length: n }, (_, i) => generator.nextGift(T0 + i * 100, storm));
}

describe('simulated traffic model', () => {
  it('is reproducible from its seed', () => {
    expect(gifts(7, 500)).toEqual(gifts(7, 500));
    expect(gifts(7, 500)).not.toEqual(gifts(8, 500));
  });

  it('produces canonical events the pipeline accepts, all marked simulated, with unique ids', () => {
    const generator = new TrafficGenerator({ seed: 1, idPrefix: 'sim-x' });
    const events = [
      ...Array.from({ length: 2000 }, (_, i) => generator.nextGift(T0 + i)),
      ...Array.from({ length: 500 }, (_, i) => generator.nextSocial(T0 + i)),
    ];
    for (const raw of events) {
      const n = normalizeEvent(raw, {
        now: T0,
        catalog: new Map(),
        origin: 'live',
        makeId: () => 'm',
      });
      if (!n.ok) throw new Error(`${n.error.code}: ${n.error.message} in ${JSON.stringify(raw)}`);
      expect(n.value.kind === 'event' && n.value.event.origin).toBe('simulated');
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['gift', 'like', 'follow', 'share', 'viewers']),
    );
  });

  it('has a long-tailed audience: many gifters, a few of them sending most gifts', () => {
    const byUser = new Map<string, number>();
    for (const g of gifts(3, 20_000)) byUser.set(g.user.id, (byUser.get(g.user.id) ?? 0) + 1);
    const counts = [...byUser.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const top = counts.slice(0, Math.ceil(counts.length / 10)).reduce((a, b) => a + b, 0);
    expect(byUser.size).toBeGreaterThan(200);
    expect(top / total).toBeGreaterThan(0.4);
    expect(counts[counts.length - 1]).toBeLessThan(10);
  });

  it('sends streakable gifts in streaks with rising counts; most end, some never do', () => {
    const streaks = new Map<string, SimulatedGift[]>();
    const all = gifts(11, 20_000);
    // Collected and checked once: twenty thousand expect() calls are slow on a busy machine.
    const problems: string[] = [];
    for (const g of all) {
      if (g.gift.streakable !== (g.streak !== undefined)) problems.push(`streak field on ${g.id}`);
      if (!g.streak) continue;
      const list = streaks.get(g.streak.id) ?? [];
      list.push(g);
      streaks.set(g.streak.id, list);
    }
    let ended = 0;
    let unended = 0;
    for (const [id, list] of streaks) {
      const first = list[0];
      list.forEach((cur, i) => {
        const prev = list[i - 1];
        if (!prev || !first) return;
        if (prev.streak?.end) problems.push(`${id}: message after the end`);
        if (cur.count < prev.count) problems.push(`${id}: count fell`);
        if (!cur.streak?.end && cur.count <= prev.count) problems.push(`${id}: count did not rise`);
        if (cur.user.id !== first.user.id || cur.gift.id !== first.gift.id)
          problems.push(`${id}: changed user or gift`);
      });
      if (list[list.length - 1]?.streak?.end) ended++;
      else unended++;
    }
    expect(problems).toEqual([]);
    expect(ended).toBeGreaterThan(unended);
    expect(unended).toBeGreaterThan(0);
    expect(
      Math.max(...[...streaks.values()].map((l) => l[l.length - 1]?.count ?? 0)),
    ).toBeGreaterThan(20);
  });

  it('has occasional big gifts (Lion, Universe) and storms of cheap gifts', () => {
    const calm = gifts(5, 20_000);
    const big = calm.filter((g) => g.gift.name === 'Lion' || g.gift.name === 'TikTok Universe');
    expect(big.length).toBeGreaterThan(0);
    expect(big.length / calm.length).toBeLessThan(0.01);
    for (const g of calm) expect(bundledCatalog.get(g.gift.id)?.coins).toBe(g.gift.coins);

    const storm = gifts(5, 5_000, true);
    const cheap = (list: SimulatedGift[]): number =>
      list.filter((g) => g.gift.coins <= 10).length / list.length;
    expect(cheap(storm)).toBeGreaterThan(0.85);
    expect(cheap(storm)).toBeGreaterThan(cheap(calm));
    expect(storm.some((g) => g.gift.name === 'Lion')).toBe(false);
  });
});

describe('simulator source', () => {
  it('sends simulated traffic through the sink until stopped', async () => {
    const sink = recordingSink();
    const source = new SimulatorSource(sink, { rate: 400, seed: 9 }, { tickMs: 10 });
    await source.start();
    expect(source.health().state).toBe('connected');
    await waitFor(() => sink.frames.length >= 60, 'traffic');
    await source.stop();
    const count = sink.frames.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(sink.frames.length).toBe(count);
    expect(source.health().state).toBe('stopped');
    expect(sink.frames.every((f) => f.origin === 'simulated' && f.source === 'simulator')).toBe(
      true,
    );
    expect(sink.frames.every((f) => (f.raw as { origin: string }).origin === 'simulated')).toBe(
      true,
    );
    expect(source.health().eventsPerMinute).toBe(count);
    expect(source.seed).toBe(9);
  });

  it('storms on a schedule', async () => {
    const source = new SimulatorSource(
      recordingSink(),
      { rate: 1, storm: true, stormEveryMs: 1000, stormMs: 250 },
      { now: () => T0 },
    );
    // The schedule runs from the start: calm first, the storm at the end of each period.
    await source.start();
    expect(source.stormAt(T0)).toBe(false);
    expect(source.stormAt(T0 + 800)).toBe(true);
    expect(source.stormAt(T0 + 1100)).toBe(false);
    await source.stop();
  });

  it('refuses silly settings with a code', () => {
    expect(() => new SimulatorSource(recordingSink(), { rate: -1 })).toThrow(SourceError);
    expect(() => new SimulatorSource(recordingSink(), { rate: 1e6 })).toThrow(/rate/);
  });
});
