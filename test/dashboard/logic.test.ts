import { describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../shared/api';
import * as Q from '../../shared/rational';
import { minorToInput, parseCount, parseMoneyInput, rateToText } from '../../renderer/src/money';
import { DEFAULT_DESIGN, overlayRoot, overlayUrl } from '../../renderer/src/views/overlayUrl';
import { csvCell, sessionCsv } from '../../renderer/src/views/sessionExport';

const USD = { code: 'USD', exponent: 2 };
const JPY = { code: 'JPY', exponent: 0 };
const KWD = { code: 'KWD', exponent: 3 };

describe('money input', () => {
  it('reads amounts the way creators type them, exactly, into minor units', () => {
    expect(parseMoneyInput('100', USD)).toBe(10_000);
    expect(parseMoneyInput('99.5', USD)).toBe(9_950);
    expect(parseMoneyInput('1,234.56', USD)).toBe(123_456);
    expect(parseMoneyInput('1.234,56', USD)).toBe(123_456);
    expect(parseMoneyInput('12,5', USD)).toBe(1_250);
    expect(parseMoneyInput(' 0.10 ', USD)).toBe(10);
    expect(parseMoneyInput('1500', JPY)).toBe(1_500);
    expect(parseMoneyInput('1.005', KWD)).toBe(1_005);
  });

  it('refuses what is not an amount of that currency', () => {
    for (const bad of ['', 'abc', '-5', '1.001', '1e3', '0x10'])
      expect(parseMoneyInput(bad, USD)).toBeNull();
    expect(parseMoneyInput('1.5', JPY)).toBeNull();
    expect(parseMoneyInput('9'.repeat(30), USD)).toBeNull();
  });

  it('writes minor units back with the currency decimals', () => {
    expect(minorToInput(10_000, USD)).toBe('100.00');
    expect(minorToInput(5, USD)).toBe('0.05');
    expect(minorToInput(1_500, JPY)).toBe('1500');
    expect(minorToInput(1_005, KWD)).toBe('1.005');
    for (const n of [0, 1, 99, 100, 123_456])
      expect(parseMoneyInput(minorToInput(n, USD), USD)).toBe(n);
  });

  it('reads whole counts with grouping and refuses fractions', () => {
    expect(parseCount('20000')).toBe(20_000);
    expect(parseCount('20,000')).toBe(20_000);
    expect(parseCount('-3')).toBeNull();
    expect(parseCount('')).toBeNull();
  });

  it('writes a rate as a decimal when exact, else as n/d, and both read back equal', () => {
    expect(rateToText(Q.rational(1, 200))).toBe('0.005');
    expect(rateToText(Q.rational(1, 3))).toBe('1/3');
    for (const r of [Q.rational(1, 3), Q.rational(4936, 1_000_000), Q.rational(7, 9)]) {
      expect(Q.equals(Q.fromJSON(rateToText(r)) ?? Q.ZERO, r)).toBe(true);
    }
  });
});

describe('overlay builder URL', () => {
  const base = 'http://127.0.0.1:21280/overlay';

  it('writes only what differs from the defaults, with the read-only key', () => {
    expect(overlayUrl(base, 'K', DEFAULT_DESIGN)).toBe(
      'http://127.0.0.1:21280/overlay/alerts?key=K',
    );
    const url = new URL(
      overlayUrl(
        base,
        'K',
        {
          ...DEFAULT_DESIGN,
          widget: 'leaderboard',
          period: 'day',
          top: 3,
          title: 'Top fans',
          accent: '#00ff00',
        },
        true,
      ),
    );
    expect(url.pathname).toBe('/overlay/leaderboard');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      key: 'K',
      accent: '00ff00',
      period: 'day',
      top: '3',
      title: 'Top fans',
      preview: '1',
    });
  });

  it('writes tiers, minimum and sound for alerts only', () => {
    const design = {
      ...DEFAULT_DESIGN,
      standard: 50,
      big: 500,
      celebration: 5000,
      minCoins: 5,
      sound: 'https://x.example/a.mp3',
      volume: 40,
    };
    const alerts = new URL(overlayUrl(base, 'K', design)).searchParams;
    expect(alerts.get('tiers')).toBe('50,500,5000');
    expect(alerts.get('min')).toBe('5');
    expect(alerts.get('volume')).toBe('40');
    const goal = new URL(overlayUrl(base, 'K', { ...design, widget: 'goal', label: 'Payout' }))
      .searchParams;
    expect(goal.get('tiers')).toBeNull();
    expect(goal.get('label')).toBe('Payout');
  });

  it('accepts the base URL with or without the /overlay path', () => {
    expect(overlayRoot('http://h:1')).toBe('http://h:1/overlay');
    expect(overlayRoot('http://h:1/overlay/')).toBe('http://h:1/overlay');
  });
});

describe('session export', () => {
  it('quotes CSV cells and defuses formulas in viewer names', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(42)).toBe('42');
  });

  it('writes the gifters table with one row per gifter', () => {
    const detail = {
      gifters: [
        { userId: '1', handle: 'a', name: '@evil, "x"', coins: 10 },
        { userId: '2', handle: 'b', name: 'Bee', coins: 5 },
      ],
    } as unknown as SessionDetail;
    expect(sessionCsv(detail, 'gifters')).toBe(
      'user_id,handle,name,coins\r\n1,a,"\'@evil, ""x""",10\r\n2,b,Bee,5\r\n',
    );
  });
});
