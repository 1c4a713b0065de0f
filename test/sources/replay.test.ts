import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NdjsonRecorder,
  ReplayPacer,
  ReplaySource,
  prepareReplayEvent,
  recordTo,
} from '../../electron/services/sources/replay';
import { slimGiftMessage } from '../../electron/services/sources/tiktok';
import { SourceError } from '../../electron/services/sources/sourceError';
import { bundledCatalog } from '../../shared/catalog';
import type { LiveEvent } from '../../shared/events';
import { normalizeEvent } from '../../shared/normalize';
import { decodeFixtureGift, fixturesPresent, recordingSink, tikFinityGiftFrame } from './support';

const dir = mkdtempSync(join(tmpdir(), 'gemlight-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);

function normalized(raw: unknown): LiveEvent {
  const n = normalizeEvent(raw, {
    now: T0,
    catalog: bundledCatalog,
    origin: 'replay',
    makeId: () => 'made',
  });
  if (!n.ok || n.value.kind !== 'event') throw new Error(`refused: ${JSON.stringify(n)}`);
  return n.value.event;
}

const canonicalRose = (id: string, count: number, end: boolean, extra: object = {}) => ({
  type: 'gift',
  id,
  time: T0 + count * 1000,
  user: { id: '42', handle: 'fan', name: 'Fan' },
  gift: { id: 5655, coins: 1 },
  count,
  streak: { id: 'g1', end },
  origin: 'live',
  ...extra,
});

describe('replay pacing', () => {
  it('follows _at offsets, else the events’ own times, and never runs backwards', () => {
    const pacer = new ReplayPacer();
    expect(pacer.offsetOf({ _at: 0, type: 'like' })).toBe(0);
    expect(pacer.offsetOf({ _at: 250, type: 'like' })).toBe(250);
    // The first timed event is placed where the recording already is.
    expect(pacer.offsetOf(canonicalRose('a', 1, false))).toBe(250);
    expect(pacer.offsetOf(canonicalRose('b', 3, false))).toBe(2250);
    expect(pacer.offsetOf({ event: 'gift', data: { createTime: String(T0 + 5000) } })).toBe(4250);
    expect(pacer.offsetOf({ common: { createTime: String(T0 + 2000) }, gift: {}, user: {} })).toBe(
      4250,
    );
    expect(pacer.offsetOf({ type: 'viewers', count: 3 })).toBe(4250);
    expect(pacer.offsetOf('not an object')).toBe(4250);
  });
});

describe('preparing recorded events for replay', () => {
  it('gives canonical events fresh ids, the replay time and the replay mark', () => {
    const ready = prepareReplayEvent({ ...canonicalRose('m1', 2, true), _at: 5 }, 'rpX-', T0 + 9);
    expect(ready).toEqual({
      ...canonicalRose('rpX-m1', 2, true),
      time: T0 + 9,
      streak: { id: 'rpX-g1', end: true },
      origin: 'replay',
    });
    const event = normalized(ready);
    expect(event.origin).toBe('replay');
  });

  it('never replays session boundaries', () => {
    expect(prepareReplayEvent({ type: 'session', action: 'end' }, 'p-', T0)).toBeUndefined();
    expect(prepareReplayEvent({ event: 'streamEnd', data: {} }, 'p-', T0)).toBeUndefined();
  });

  it.runIf(fixturesPresent)('rewrites the real TikFinity and connector shapes too', () => {
    const msg = decodeFixtureGift();
    const tikfinity = prepareReplayEvent(tikFinityGiftFrame(msg, { n: 1, end: false }), 'p-', T0);
    const v3 = prepareReplayEvent(slimGiftMessage(msg), 'p-', T0);
    for (const ready of [tikfinity, v3]) {
      const event = normalized(ready);
      expect(event.type === 'gift' && event.id).toBe('p-7270201542891817761');
      expect(event.type === 'gift' && event.streak?.id).toBe('p-1692725773860');
      expect(event.time).toBe(T0);
      expect(event.origin).toBe('replay');
    }
  });
});

describe('replay source with a real NDJSON file', () => {
  it('plays every accepted shape in order, marked replay, skipping bad lines', async () => {
    const lines = [
      JSON.stringify({ ...canonicalRose('m1', 1, false), _at: 0 }),
      '',
      'this is not json',
      JSON.stringify({ ...canonicalRose('m2', 2, false), _at: 10 }),
      JSON.stringify({ type: 'session', action: 'end', _at: 20 }),
      JSON.stringify({ event: 'like', data: { msgId: 'l1', userId: '42', likeCount: 5 }, _at: 20 }),
      JSON.stringify({ ...canonicalRose('m3', 3, true), _at: 30 }),
    ];
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, lines.join('\n'));
    const sink = recordingSink();
    const replay = new ReplaySource(sink, { file, speed: 20 });
    await replay.start();
    await replay.finished;
    expect(replay.health().state).toBe('stopped');
    expect(replay.health().lastError).toMatch(/Line 3 .* not a JSON event/);
    expect(replay.skipped).toBe(1);
    expect(sink.frames.every((f) => f.origin === 'replay' && f.source === 'replay')).toBe(true);
    const events = sink.frames.map((f) => normalized(f.raw));
    expect(events.map((e) => e.type)).toEqual(['gift', 'gift', 'like', 'gift']);
    expect(events.map((e) => e.origin)).toEqual(['replay', 'replay', 'replay', 'replay']);
    const prefix = /^rp[0-9a-z]+-/;
    expect(events.every((e) => prefix.test(e.id))).toBe(true);
    expect(events.map((e) => e.id.replace(prefix, ''))).toEqual(['m1', 'm2', 'l1', 'm3']);
    expect(events.map((e) => (e.type === 'gift' ? e.count : 0))).toEqual([1, 2, 0, 3]);
  });

  it('counts again when the same recording is replayed twice', async () => {
    const file = join(dir, 'twice.ndjson');
    writeFileSync(file, `${JSON.stringify(canonicalRose('m1', 1, true))}\n`);
    const sink = recordingSink();
    for (let i = 0; i < 2; i++) {
      const replay = new ReplaySource(sink, { file, speed: 1 });
      await replay.start();
      await replay.finished;
    }
    const ids = sink.frames.map((f) => (f.raw as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('can be stopped part-way', async () => {
    const file = join(dir, 'long.ndjson');
    writeFileSync(
      file,
      [0, 1, 600_000]
        .map((at) => JSON.stringify({ ...canonicalRose(`m${at}`, 1, false), _at: at }))
        .join('\n'),
    );
    const sink = recordingSink();
    const replay = new ReplaySource(sink, { file, speed: 1 });
    await replay.start();
    await new Promise((r) => setTimeout(r, 50));
    await replay.stop();
    await replay.finished;
    expect(sink.frames.length).toBeLessThan(3);
    expect(replay.health().state).toBe('stopped');
  });

  it('refuses a speed outside 1–20× and a missing file, with codes', async () => {
    expect(() => new ReplaySource(recordingSink(), { file: 'x', speed: 25 })).toThrow(SourceError);
    expect(() => new ReplaySource(recordingSink(), { file: 'x', speed: 0.5 })).toThrow(/1 to 20/);
    const replay = new ReplaySource(recordingSink(), {
      file: join(dir, 'absent.ndjson'),
      speed: 2,
    });
    await replay.start();
    await expect(replay.finished).rejects.toMatchObject({ code: 'not_found' });
    expect(replay.health().state).toBe('error');
  });
});

describe('recorder', () => {
  it.runIf(fixturesPresent)('records what a source submits and replays it faithfully', async () => {
    const msg = decodeFixtureGift();
    const frames = [1, 2, 3].map((n) => tikFinityGiftFrame(msg, { n, end: n === 3 }));
    const file = join(dir, 'recorded.ndjson');
    let clock = T0;
    const recorder = new NdjsonRecorder(file, () => clock);
    const live = recordingSink();
    const tee = recordTo(live, recorder);
    for (const frame of frames) {
      clock += 40;
      await tee.submit([frame], { source: 'tikfinity', origin: 'live' });
    }
    await recorder.close();
    expect(live.frames.map((f) => f.raw)).toEqual(frames);
    const written = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { _at: number });
    expect(written.map((l) => l._at)).toEqual([40, 80, 120]);

    const sink = recordingSink();
    const replay = new ReplaySource(sink, { file, speed: 20 });
    await replay.start();
    await replay.finished;
    const events = sink.frames.map((f) => normalized(f.raw));
    expect(
      events.map((e) => (e.type === 'gift' ? [e.count, e.streak?.end, e.gift.name] : null)),
    ).toEqual([
      [1, false, 'Rose'],
      [2, false, 'Rose'],
      [3, true, 'Rose'],
    ]);
  });
});
