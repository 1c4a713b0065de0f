import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../overlay/clock';
import { parseColor, parseConfig, tierOf } from '../../overlay/config';
import { backoffDelay } from '../../overlay/connection';
import { parseFrame } from '../../overlay/protocol';
import { displayText, isAllowedImage, viewerName } from '../../overlay/viewerText';
import { amountFormat, formatAmount, formatGoalAmounts } from '../../overlay/amounts';
import { sceneState } from './scene';

const at = (path: string, search = ''): ReturnType<typeof parseConfig> =>
  parseConfig({ pathname: path, search, origin: 'http://127.0.0.1:21280' });

describe('overlay URL parameters', () => {
  it('has safe defaults: sounds off, coins, 5 s lag bound, 3 cards', () => {
    const c = at('/overlay/alerts', '?key=abc');
    expect(c.widget).toBe('alerts');
    expect(c.key).toBe('abc');
    expect(c.sound.url).toBeNull();
    expect(c.unit).toBe('coins');
    expect(c.maxLagMs).toBe(5_000);
    expect(c.maxOnScreen).toBe(3);
    expect(c.thresholds).toEqual({ standard: 100, big: 1_000, celebration: 10_000 });
    expect(c.preview).toBe(false);
    expect(at('/overlay/leaderboard').position).toBe('top-right');
    expect(at('/overlay/nope').widget).toBe('all');
  });

  it('reads theme, tiers, durations and board settings', () => {
    const c = at(
      '/overlay/all/',
      '?accent=00ff88&text=white&font=Bebas%20Neue&size=34&scale=1.5&unit=diamonds' +
        '&tiers=50,500,5000&durations=2000,4000,6000,9000&min=10&lag=3000&max=5' +
        '&period=today&top=8&title=Legends&sound=/sounds/ding.mp3&volume=40&soundTiers=big,celebration',
    );
    expect(c.widget).toBe('all');
    expect(c.theme).toMatchObject({
      accent: '#00ff88',
      text: 'white',
      font: 'Bebas Neue',
      size: 34,
    });
    expect(c.scale).toBe(1.5);
    expect(c.unit).toBe('diamonds');
    expect(c.thresholds).toEqual({ standard: 50, big: 500, celebration: 5_000 });
    expect(c.durations).toEqual({ toast: 2_000, standard: 4_000, big: 6_000, celebration: 9_000 });
    expect([c.minCoins, c.maxLagMs, c.maxOnScreen]).toEqual([10, 3_000, 5]);
    expect(c.leaderboard).toEqual({ period: 'day', top: 8, title: 'Legends' });
    expect(c.sound).toEqual({
      url: 'http://127.0.0.1:21280/sounds/ding.mp3',
      volume: 0.4,
      tiers: ['big', 'celebration'],
    });
  });

  it('refuses values that could inject CSS or break the layout', () => {
    const c = at(
      '/overlay/alerts',
      '?accent=red;background:url(x)&font=x%22;}body{display:none&scale=-2&tiers=1000,100,10' +
        '&sound=javascript:alert(1)&max=999&top=0&position=middle',
    );
    expect(c.theme.accent).toBe('#ff3b6b');
    expect(c.theme.font).toBe('');
    expect(c.scale).toBe(1);
    expect(c.thresholds).toEqual({ standard: 100, big: 1_000, celebration: 10_000 });
    expect(c.sound.url).toBeNull();
    expect(c.maxOnScreen).toBe(3);
    expect(c.leaderboard.top).toBe(5);
    expect(c.position).toBe('bottom-left');
    expect(parseColor('#12345')).toBeNull();
    expect(parseColor('abc')).toBe('#abc');
  });

  it('puts coin values in tiers at the thresholds', () => {
    const t = { standard: 100, big: 1_000, celebration: 10_000 };
    expect([99, 100, 999, 1_000, 9_999, 10_000].map((c) => tierOf(c, t))).toEqual([
      'toast',
      'standard',
      'standard',
      'big',
      'big',
      'celebration',
    ]);
  });
});

describe('viewer text', () => {
  it('drops bidi controls, caps combining marks and length', () => {
    expect(displayText('\u202Eevil\u202C')).toBe('evil');
    expect(displayText('a\u0301\u0302\u0303\u0304b')).toBe('a\u0301\u0302b');
    expect(displayText('x'.repeat(100))).toBe(`${'x'.repeat(32)}…`);
    expect(displayText('line\nbreak\u0000')).toBe('line break');
    expect(viewerName({ name: '   ', handle: 'neo' })).toBe('@neo');
    expect(viewerName({ name: '', handle: '' })).toBe('Someone');
  });

  it('loads images only over https from TikTok CDN hosts', () => {
    expect(isAllowedImage('https://p16-sign-va.tiktokcdn.com/a.webp')).toBe(true);
    expect(isAllowedImage('https://p19-webcast.tiktokcdn-us.com/gift.png')).toBe(true);
    expect(isAllowedImage('https://lf16-webcast.ibyteimg.com/x.png')).toBe(true);
    expect(isAllowedImage('http://p16.tiktokcdn.com/a.webp')).toBe(false);
    expect(isAllowedImage('https://tiktokcdn.com.evil.example/a.webp')).toBe(false);
    expect(isAllowedImage('https://eviltiktokcdn.com/a.webp')).toBe(false);
    expect(isAllowedImage('https://user:pw@p16.tiktokcdn.com/a.webp')).toBe(false);
    expect(isAllowedImage('javascript:alert(1)')).toBe(false);
    expect(isAllowedImage(undefined)).toBe(false);
  });
});

describe('/events frames', () => {
  it('accepts a snapshot and keeps only what the overlay shows', () => {
    const frame = parseFrame(JSON.stringify({ type: 'snapshot', state: sceneState() }));
    expect(frame.kind).toBe('message');
    if (frame.kind !== 'message' || frame.message.type !== 'snapshot') return;
    expect(frame.message.state.leaderboards.session).toHaveLength(5);
    expect(frame.message.state.goal?.goal.label).toBe('New capture card');
    expect(frame.message.state.sources).toEqual([]);
  });

  it('refuses malformed frames and ignores dashboard-only ones', () => {
    expect(parseFrame('not json').kind).toBe('invalid');
    expect(parseFrame(new ArrayBuffer(2)).kind).toBe('invalid');
    expect(parseFrame('{"type":"combo","key":"k","count":-1,"ended":false}').kind).toBe('invalid');
    expect(parseFrame('{"type":"goal","goal":{"nope":1}}').kind).toBe('invalid');
    expect(parseFrame('{"type":"viewers","count":5}').kind).toBe('ignored');
    expect(parseFrame('{"type":"combo","key":"k","count":3,"ended":true}')).toEqual({
      kind: 'message',
      message: { type: 'combo', key: 'k', count: 3, ended: true },
    });
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially to a cap, with jitter in the upper half', () => {
    const low = [0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 10_000, () => 0));
    const high = [0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 10_000, () => 1));
    expect(low).toEqual([250, 500, 1_000, 2_000, 5_000]);
    expect(high).toEqual([500, 1_000, 2_000, 4_000, 10_000]);
  });
});

describe('amounts', () => {
  it('shows diamonds at the session rate, rounded down', () => {
    const base = sceneState().session;
    if (!base) throw new Error('the scene has a session');
    const f = amountFormat('diamonds', { ...base, diamondsPerCoin: '1/2' }, 'en-US');
    expect(formatAmount(2_999, f)).toBe('1,499 diamonds');
    expect(formatAmount(1, amountFormat('coins', null, 'en-US'))).toBe('1 coin');
  });

  it('shows a cash goal exactly in the creator currency', () => {
    const goal = sceneState().goal;
    if (!goal) throw new Error('the scene has a goal');
    const cash = {
      ...goal,
      goal: { ...goal.goal, kind: 'cash' as const },
      current: 123_456,
      target: 500_000,
    };
    expect(formatGoalAmounts(cash, { code: 'USD', exponent: 2 }, 'en-US')).toEqual({
      current: '$1,234.56',
      target: '$5,000.00',
    });
    expect(formatGoalAmounts(cash, { code: 'JPY', exponent: 0 }, 'en-US').current).toBe('¥123,456');
  });
});

describe('the manual clock of the load-time rehearsal', () => {
  it('runs due callbacks in time order (ties in scheduling order), never early, cancelled never', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 100 }), cancel: fc.boolean() }), {
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 120 }),
        (timers, until) => {
          const clock = new ManualClock(1_000);
          const ran: { i: number; at: number }[] = [];
          timers.forEach((t, i) => {
            const cancel = clock.schedule(() => ran.push({ i, at: clock.now() }), t.delay);
            if (t.cancel) cancel();
          });
          clock.advanceTo(1_000 + until);
          const expected = timers
            .map((t, i) => ({ ...t, i }))
            .filter((t) => !t.cancel && t.delay <= until)
            .sort((a, b) => a.delay - b.delay || a.i - b.i)
            .map((t) => ({ i: t.i, at: 1_000 + t.delay }));
          expect(ran).toEqual(expected);
          expect(clock.now()).toBe(1_000 + until);
        },
      ),
    );
  });

  it('runs callbacks scheduled by callbacks when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const log: number[] = [];
    const tick = (): void => {
      log.push(clock.now());
      if (clock.now() < 30) clock.schedule(tick, 10);
    };
    clock.schedule(tick, 10);
    clock.advanceTo(25);
    expect(log).toEqual([10, 20]);
    expect(clock.nextDueAt()).toBe(30);
    expect(clock.waiting).toBe(1);
    clock.advanceTo(100);
    expect(log).toEqual([10, 20, 30]);
    expect(clock.nextDueAt()).toBeNull();
    expect(clock.waiting).toBe(0);
  });
});
