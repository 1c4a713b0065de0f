/**
 * Interoperability with real TikTok data: the recorded Rose gift message and two real gift
 * catalogs from ../shared/fixtures/tiktok (relative to the repo root; never copied into the repo).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebcastGiftMessage } from 'tiktok-live-proto/v3';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledCatalog, mergeCatalogs, parseTikTokCatalog } from '../../shared/catalog';
import type { CatalogGift } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import { expectGift, makeContext, withCatalog } from './samples';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = resolve(repoRoot, '../shared/fixtures/tiktok');
const present = existsSync(resolve(FIXTURES, 'MessageWebcastGiftMessage.bin'));
if (!present) {
  console.warn(
    `fixtures.test.ts: skipped — the real TikTok fixtures are not at ${FIXTURES} ` +
      '(they live beside the repository, in ../shared/fixtures/tiktok).',
  );
}

const read = (name: string): string => readFileSync(resolve(FIXTURES, name), 'utf8');
type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null ? (v as Rec) : {});
const firstOf = (v: unknown): unknown => (Array.isArray(v) ? (v as unknown[])[0] : undefined);

/** The values every shape of the recorded Rose message must normalize to. */
const EXPECTED = {
  type: 'gift',
  id: '7270201542891817761',
  time: 1692725773880,
  count: 1,
  streak: { id: '1692725773860', end: false },
  origin: 'live',
  gift: { id: 5655, name: 'Rose', coins: 1, streakable: true },
  user: { id: '6809568862012081157', handle: 'malowana_', name: '🧚‍♀️Malowana🧜‍♀️' },
};

describe.skipIf(!present)('the recorded Rose gift message, in every connector shape', () => {
  let decoded: Rec;
  let v2: Rec;
  let v1: Rec;
  let legacyV3: Rec;

  beforeAll(async () => {
    const bytes = Buffer.from(read('MessageWebcastGiftMessage.bin').trim(), 'base64');
    decoded = rec(WebcastGiftMessage.decode(bytes));
    const gift = rec(decoded.gift);
    const user = rec(decoded.user);
    const common = rec(decoded.common);
    // TikTok-Live-Connector 2.0–2.1, built from the decoded values per the field table.
    v2 = {
      common: { msgId: common.msgId, createTime: common.createTime },
      giftId: Number(decoded.giftId),
      repeatCount: decoded.repeatCount,
      repeatEnd: decoded.repeatEnd,
      groupId: decoded.groupId,
      user: {
        userId: user.idStr,
        uniqueId: user.displayId,
        nickname: user.nickname,
        profilePicture: { url: rec(user.avatarThumb).urlList },
      },
      giftDetails: {
        giftName: gift.name,
        giftType: gift.type,
        diamondCount: gift.diamondCount,
        giftImage: { url: rec(gift.image).urlList },
      },
    };
    // The v1 flat shape comes from the connector's own mapping (its legacy `simplifyObject`),
    // applied to the message as the 1.x/2.0 decoders gave it: with `giftDetails`.
    const { simplifyObject } = await import('tiktok-live-connector/legacy');
    const asV1Input = structuredClone({
      ...decoded,
      giftId: Number(decoded.giftId),
      giftDetails: v2.giftDetails,
    });
    v1 = rec(simplifyObject('WebcastGiftMessage', asV1Input));
    // What the 2.4+ legacy emitter sends for a v3 message: flat, without price or type, with the
    // gift-list entry attached as extendedGiftInfo when the connector fetched the gift list.
    legacyV3 = rec(simplifyObject('WebcastGiftMessage', structuredClone(decoded)));
  });

  it('decodes to the values the fixtures README lists', () => {
    const gift = rec(decoded.gift);
    const user = rec(decoded.user);
    expect(decoded).toMatchObject({
      giftId: '5655',
      repeatCount: 1,
      repeatEnd: 0,
      groupId: '1692725773860',
    });
    expect(gift).toMatchObject({ name: 'Rose', type: 1, diamondCount: 1 });
    expect(user).toMatchObject({ displayId: 'malowana_', nickname: '🧚‍♀️Malowana🧜‍♀️' });
    expect(String(user.id)).toBe('6809568862012081157');
    expect(rec(decoded.common).msgId).toBe('7270201542891817761');
  });

  it('2.4+: the decoded v3 object itself, and the same after a JSON round trip', () => {
    const avatar = firstOf(rec(rec(decoded.user).avatarThumb).urlList);
    const image = firstOf(rec(rec(decoded.gift).image).urlList);
    for (const input of [decoded, JSON.parse(JSON.stringify(decoded)) as unknown]) {
      const e = expectGift(normalizeEvent(input, makeContext()));
      expect(e).toMatchObject(EXPECTED);
      expect(e.user.avatar).toBe(avatar);
      expect(e.gift.image).toBe(image);
    }
  });

  it('2.0–2.1: giftDetails and user.uniqueId', () => {
    const e = expectGift(normalizeEvent(v2, makeContext()));
    expect(e).toMatchObject(EXPECTED);
    expect(e.user.avatar).toMatch(/^https:\/\/p16-sign-useast2a\.tiktokcdn\.com\//);
  });

  it('v1 flat, as the connector maps it', () => {
    expect(v1).toMatchObject({
      msgId: '7270201542891817761',
      giftId: 5655,
      giftType: 1,
      diamondCount: 1,
      repeatEnd: false,
      userId: '6809568862012081157',
      uniqueId: 'malowana_',
    });
    expect(v1.giftDetails).toBeUndefined();
    expect(expectGift(normalizeEvent(v1, makeContext()))).toMatchObject(EXPECTED);
  });

  it('TikFinity: the v1 flat object inside {"event":"gift","data":…}, sent as JSON', () => {
    const frame = JSON.parse(JSON.stringify({ event: 'gift', data: v1 })) as unknown;
    expect(expectGift(normalizeEvent(frame, makeContext()))).toMatchObject(EXPECTED);
  });

  it('the 2.4+ legacy flat shape takes its price from extendedGiftInfo or the catalog', () => {
    expect(legacyV3.diamondCount).toBeUndefined();
    // No catalog entry and no extended info: the price is unknown, never guessed.
    const empty = withCatalog(new Map());
    const unknown = normalizeEvent(legacyV3, empty);
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('unknown_gift');
    // With the bundled catalog.
    expect(expectGift(normalizeEvent(legacyV3, makeContext()))).toMatchObject(EXPECTED);
    // With the real gift-list entry attached, as `enableExtendedGiftInfo` does.
    const catalog = JSON.parse(read('gift-catalog-2023-08.json')) as { data: { gifts: Rec[] } };
    const roseEntry = catalog.data.gifts.find((g) => g.id === 5655);
    const e = expectGift(
      normalizeEvent({ ...legacyV3, extendedGiftInfo: roseEntry }, withCatalog(new Map())),
    );
    expect(e).toMatchObject(EXPECTED);
  });

  it('counts once however many shapes of the same message arrive', () => {
    const ids = [decoded, v2, v1, { event: 'gift', data: v1 }].map(
      (input) => expectGift(normalizeEvent(input, makeContext())).id,
    );
    expect(new Set(ids)).toEqual(new Set(['7270201542891817761']));
  });
});

describe.skipIf(!present)('the real gift catalogs', () => {
  const load = (name: string): CatalogGift[] => {
    const r = parseTikTokCatalog(JSON.parse(read(name)));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it.each([
    ['gift-catalog-2023-08.json', 133],
    ['gift-catalog-2024-01.json', 116],
  ])('%s loads all %i gifts', (name, count) => {
    const gifts = load(name);
    expect(gifts).toHaveLength(count);
    expect(new Set(gifts.map((g) => g.id)).size).toBe(count);
    for (const g of gifts) {
      expect(Number.isSafeInteger(g.coins)).toBe(true);
      expect(g.name.length).toBeGreaterThan(0);
    }
    const byId = new Map(gifts.map((g) => [g.id, g]));
    expect(byId.get(5655)).toMatchObject({ name: 'Rose', coins: 1, streakable: true });
    expect(byId.get(5655)?.image).toMatch(/^https:\/\//);
    expect(byId.get(6369)).toMatchObject({ name: 'Lion', coins: 29999, streakable: false });
    expect(byId.get(5487)).toMatchObject({ name: 'Finger Heart', coins: 5, streakable: true });
    expect(byId.get(7168)).toMatchObject({ name: 'Money Gun', coins: 500, streakable: false });
  });

  it('January 2024 has TikTok Universe at 44,999 coins', () => {
    const byId = new Map(load('gift-catalog-2024-01.json').map((g) => [g.id, g]));
    expect(byId.get(9072)).toMatchObject({
      name: 'TikTok Universe',
      coins: 44999,
      streakable: false,
    });
  });

  it('the bundled catalog agrees with the real catalogs on every gift they share', () => {
    for (const name of ['gift-catalog-2023-08.json', 'gift-catalog-2024-01.json']) {
      const real = new Map(load(name).map((g) => [g.id, g]));
      let shared = 0;
      for (const mine of bundledCatalog.values()) {
        const theirs = real.get(mine.id);
        if (!theirs) continue;
        shared++;
        expect({
          id: mine.id,
          name: theirs.name,
          coins: theirs.coins,
          streakable: theirs.streakable,
        }).toEqual({
          id: mine.id,
          name: mine.name,
          coins: mine.coins,
          streakable: mine.streakable,
        });
      }
      expect(shared).toBeGreaterThanOrEqual(20);
    }
  });

  it('a live catalog replaces prices and adds gifts the bundled one lacks', () => {
    const merged = mergeCatalogs(bundledCatalog, load('gift-catalog-2024-01.json'));
    expect(merged.size).toBeGreaterThan(bundledCatalog.size);
    const unknownToBundle = [...merged.values()].find((g) => !bundledCatalog.has(g.id));
    expect(unknownToBundle).toBeDefined();
    if (unknownToBundle) {
      const e = expectGift(
        normalizeEvent(
          { type: 'gift', id: 'x1', user: { id: 'u' }, gift: { id: unknownToBundle.id } },
          withCatalog(merged),
        ),
      );
      expect(e.gift.coins).toBe(unknownToBundle.coins);
    }
  });
});
