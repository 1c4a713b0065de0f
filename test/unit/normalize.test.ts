import { describe, expect, it } from 'vitest';
import { bundledCatalog, mergeCatalogs } from '../../shared/catalog';
import {
  MAX_COINS,
  MAX_COUNT,
  MAX_ID_LENGTH,
  MAX_TEXT_CODE_POINTS,
  clampText,
  normalizeEvent,
} from '../../shared/normalize';
import {
  NOW,
  ROSE,
  canonicalGift,
  expectEvent,
  expectGift,
  makeContext,
  tikfinity,
  v1Gift,
  v2Gift,
  v3Gift,
  withCatalog,
} from './samples';

const ctx = makeContext();
const codeOf = (input: unknown, c = ctx): string | null => {
  const r = normalizeEvent(input, c);
  return r.ok ? null : r.error.code;
};

/** The Rose event every shape of the recorded message must normalize to. */
const roseEvent = {
  type: 'gift',
  id: ROSE.msgId,
  time: ROSE.time,
  user: { id: ROSE.userId, handle: ROSE.handle, name: ROSE.nickname, avatar: ROSE.avatar },
  gift: { id: 5655, name: 'Rose', coins: 1, streakable: true, image: ROSE.image },
  count: 1,
  streak: { id: ROSE.groupId, end: false },
  origin: 'live',
};

describe('clampText', () => {
  it('keeps short text and cuts long text by code points without splitting surrogate pairs', () => {
    expect(clampText('hello')).toBe('hello');
    expect(clampText('a'.repeat(150))).toHaveLength(MAX_TEXT_CODE_POINTS);
    const emoji = '😀'.repeat(150);
    const cut = clampText(emoji);
    expect([...cut]).toHaveLength(MAX_TEXT_CODE_POINTS);
    expect(cut).toBe('😀'.repeat(MAX_TEXT_CODE_POINTS));
    expect(clampText('abcdef', 3)).toBe('abc');
  });
});

describe('canonical events', () => {
  it('accepts the documented gift and keeps every field', () => {
    expect(expectGift(normalizeEvent(canonicalGift(), ctx))).toEqual(roseEvent);
  });

  it('fills defaults: arrival time, count 1, the context origin, catalog price and name', () => {
    const e = expectGift(
      normalizeEvent(
        { type: 'gift', id: 'm1', user: { id: 'u1' }, gift: { id: 6369 } },
        makeContext({ origin: 'simulated' }),
      ),
    );
    expect(e).toEqual({
      type: 'gift',
      id: 'm1',
      time: NOW,
      user: { id: 'u1', handle: '', name: '' },
      gift: { id: 6369, name: 'Lion', coins: 29999, streakable: false },
      count: 1,
      origin: 'simulated',
    });
  });

  it('takes an explicit origin over the context', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ origin: 'test' }), ctx));
    expect(e.origin).toBe('test');
  });

  it('reads ISO-8601 times with offsets', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ time: '2023-08-22T17:36:13.880Z' }), ctx));
    expect(e.time).toBe(ROSE.time);
    const f = expectGift(
      normalizeEvent(canonicalGift({ time: '2023-08-22T19:36:13.880+02:00' }), ctx),
    );
    expect(f.time).toBe(ROSE.time);
  });

  it('the price in the event wins over the catalog', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ gift: { id: 5655, coins: 7 } }), ctx));
    expect(e.gift).toEqual({ id: 5655, name: 'Rose', coins: 7, streakable: true });
  });

  it('takes price, name, image and streakability from the catalog when the event has none', () => {
    const catalog = mergeCatalogs(bundledCatalog, [
      { id: 1, name: 'Star', coins: 3, streakable: true, image: 'https://cdn.example/star.png' },
    ]);
    const e = expectGift(
      normalizeEvent(canonicalGift({ gift: { id: 1 }, streak: undefined }), withCatalog(catalog)),
    );
    expect(e.gift).toEqual({
      id: 1,
      name: 'Star',
      coins: 3,
      streakable: true,
      image: 'https://cdn.example/star.png',
    });
  });

  it('an unknown gift without a price is unknown_gift; with a price it is accepted', () => {
    expect(codeOf(canonicalGift({ gift: { id: 424242 } }))).toBe('unknown_gift');
    const e = expectGift(normalizeEvent(canonicalGift({ gift: { id: 424242, coins: 0 } }), ctx));
    expect(e.gift).toEqual({ id: 424242, name: 'Gift 424242', coins: 0, streakable: true });
  });

  it('an unknown gift sent with a streak is a streak, so its running counts are not added up', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ gift: { id: 424242, coins: 2 } }), ctx));
    expect(e.gift.streakable).toBe(true);
    const lone = expectGift(
      normalizeEvent(canonicalGift({ gift: { id: 424242, coins: 2 }, streak: undefined }), ctx),
    );
    expect(lone.gift.streakable).toBe(false);
    const told = expectGift(
      normalizeEvent(canonicalGift({ gift: { id: 6369, streakable: false } }), ctx),
    );
    expect(told.gift.streakable).toBe(false);
  });

  it('cuts viewer text, strips the @ and drops non-http URLs', () => {
    const e = expectGift(
      normalizeEvent(
        canonicalGift({
          user: {
            id: 'u',
            handle: '@' + 'h'.repeat(500),
            name: '<script>'.repeat(100),
            avatar: 'javascript:alert(1)',
          },
          gift: { id: 5655, name: 'R'.repeat(300), image: 'data:image/png;base64,AAAA' },
        }),
        ctx,
      ),
    );
    expect(e.user.handle).toBe('h'.repeat(MAX_TEXT_CODE_POINTS));
    expect([...e.user.name]).toHaveLength(MAX_TEXT_CODE_POINTS);
    expect(e.user.avatar).toBeUndefined();
    expect(e.gift.name).toHaveLength(MAX_TEXT_CODE_POINTS);
    expect(e.gift.image).toBeUndefined();
  });

  it('an empty gift name falls back to the catalog name', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ gift: { id: 6369, name: '' } }), ctx));
    expect(e.gift.name).toBe('Lion');
  });

  it('uses the handle as the name when no name is given', () => {
    const e = expectGift(normalizeEvent(canonicalGift({ user: { id: 'u', handle: 'abc' } }), ctx));
    expect(e.user).toEqual({ id: 'u', handle: 'abc', name: 'abc' });
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['a numeric id', canonicalGift({ id: Number(ROSE.msgId) })],
    ['an empty id', canonicalGift({ id: '' })],
    ['an absurdly long id', canonicalGift({ id: 'x'.repeat(MAX_ID_LENGTH + 1) })],
    ['no user', canonicalGift({ user: undefined })],
    ['a numeric user id', canonicalGift({ user: { id: Number(ROSE.userId) } })],
    ['a gift id as a string', canonicalGift({ gift: { id: '5655' } })],
    ['a negative gift id', canonicalGift({ gift: { id: -1 } })],
    ['a fractional gift id', canonicalGift({ gift: { id: 1.5 } })],
    ['coins as a string', canonicalGift({ gift: { id: 5655, coins: '1' } })],
    ['negative coins', canonicalGift({ gift: { id: 5655, coins: -1 } })],
    ['fractional coins', canonicalGift({ gift: { id: 5655, coins: 0.5 } })],
    ['absurd coins', canonicalGift({ gift: { id: 5655, coins: MAX_COINS + 1 } })],
    ['streakable as a number', canonicalGift({ gift: { id: 5655, streakable: 1 } })],
    ['count 0', canonicalGift({ count: 0 })],
    ['a negative count', canonicalGift({ count: -3 })],
    ['a fractional count', canonicalGift({ count: 2.5 })],
    ['a count as a string', canonicalGift({ count: '3' })],
    ['an absurd count', canonicalGift({ count: MAX_COUNT + 1 })],
    ['a NaN count', canonicalGift({ count: Number.NaN })],
    ['an infinite count', canonicalGift({ count: Number.POSITIVE_INFINITY })],
    ['streak.end as a string', canonicalGift({ streak: { id: 'g', end: 'false' } })],
    ['an empty streak id', canonicalGift({ streak: { id: '', end: false } })],
    ['a time as a digit string', canonicalGift({ time: '1692725773880' })],
    ['a time in seconds', canonicalGift({ time: 1692725773 })],
    ['a fractional time', canonicalGift({ time: 1692725773880.5 })],
    ['a time after 2100', canonicalGift({ time: Date.UTC(2101, 0, 1) })],
    ['an ISO time in year 1', canonicalGift({ time: '0001-01-01T00:00:00Z' })],
    ['an ISO time in year 9999', canonicalGift({ time: '9999-12-31T23:59:59Z' })],
    ['an impossible ISO date', canonicalGift({ time: '2023-02-30T00:00:00Z' })],
    ['an unknown origin', canonicalGift({ origin: 'money' })],
    ['an extra field', canonicalGift({ bonus: 1 })],
    ['an extra gift field', canonicalGift({ gift: { id: 5655, price: 1 } })],
    ['a 100,001-character name', canonicalGift({ user: { id: 'u', name: 'n'.repeat(100_001) } })],
    [
      'an over-long avatar URL',
      canonicalGift({ user: { id: 'u', avatar: 'https://' + 'a'.repeat(3000) } }),
    ],
    // Ids are machine ids; the unit separator would let one sender's streak key pose as another's.
    ['a message id with a control character', canonicalGift({ id: 'a\u001fb' })],
    ['a user id with a control character', canonicalGift({ user: { id: 'a\u001f5655' } })],
    [
      'a streak id with a control character',
      canonicalGift({ streak: { id: '\u001fg', end: false } }),
    ],
    ['an unknown type', { type: 'donation', id: 'x' }],
    ['a session without action', { type: 'session' }],
    ['viewers without count', { type: 'viewers' }],
    ['negative viewers', { type: 'viewers', count: -1 }],
    ['a like with count 0', { type: 'like', count: 0 }],
  ];
  it.each(invalid)('refuses %s as invalid_event', (_what, input) => {
    expect(codeOf(input)).toBe('invalid_event');
  });

  it('keeps error messages short even when the input has thousands of unknown keys', () => {
    const user: Record<string, string> = { id: 'u' };
    for (let i = 0; i < 5000; i++) user[`key${i}`] = 'x';
    const r = normalizeEvent(canonicalGift({ user }), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_event');
      expect(r.error.message.length).toBeLessThanOrEqual(200);
    }
  });

  it('explains what is wrong without echoing a stack', () => {
    const r = normalizeEvent(canonicalGift({ count: -3 }), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(/^count: /);
      expect(r.error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('accepts session, social and viewer events with generated ids', () => {
    const c = makeContext();
    expect(expectEvent(normalizeEvent({ type: 'session', action: 'start' }, c))).toEqual({
      type: 'session',
      id: 'gen-0',
      time: NOW,
      action: 'start',
      origin: 'live',
    });
    expect(
      expectEvent(normalizeEvent({ type: 'session', action: 'end', id: 's1', time: ROSE.time }, c)),
    ).toEqual({ type: 'session', id: 's1', time: ROSE.time, action: 'end', origin: 'live' });
    expect(expectEvent(normalizeEvent({ type: 'like', count: 15, user: { id: 'u9' } }, c))).toEqual(
      {
        type: 'like',
        id: 'gen-1',
        time: NOW,
        user: { id: 'u9', handle: '', name: '' },
        count: 15,
        origin: 'live',
      },
    );
    expect(expectEvent(normalizeEvent({ type: 'follow' }, c))).toMatchObject({
      type: 'follow',
      user: { id: '0' },
      count: 1,
    });
    expect(expectEvent(normalizeEvent({ type: 'share', id: 'sh' }, c))).toMatchObject({
      type: 'share',
      id: 'sh',
    });
    expect(expectEvent(normalizeEvent({ type: 'viewers', count: 0, origin: 'replay' }, c))).toEqual(
      { type: 'viewers', id: 'gen-3', time: NOW, count: 0, origin: 'replay' },
    );
  });
});

describe('TikTok-Live-Connector shapes', () => {
  it.each([
    ['v1 flat', v1Gift()],
    ['2.0–2.1 (giftDetails)', v2Gift()],
    ['2.4+ (v3 protobuf)', v3Gift()],
    ['TikFinity', tikfinity('gift', v1Gift())],
  ])('%s normalizes to the same Rose event', (_shape, input) => {
    expect(expectGift(normalizeEvent(input, ctx))).toEqual(roseEvent);
  });

  it('reads ids and counts sent as numbers, bigints or digit strings', () => {
    const e = expectGift(
      normalizeEvent(
        v1Gift({
          msgId: 123,
          userId: 77n,
          giftId: '5655',
          repeatCount: '4',
          groupId: 99,
          diamondCount: '1',
        }),
        ctx,
      ),
    );
    expect(e).toMatchObject({ id: '123', user: { id: '77' }, count: 4, streak: { id: '99' } });
  });

  it('reads repeatEnd as a boolean or 0/1 and ends the streak', () => {
    expect(expectGift(normalizeEvent(v1Gift({ repeatEnd: true }), ctx)).streak?.end).toBe(true);
    expect(expectGift(normalizeEvent(v2Gift({ repeatEnd: 1 }), ctx)).streak?.end).toBe(true);
    expect(expectGift(normalizeEvent(v3Gift({ repeatEnd: '1' }), ctx)).streak?.end).toBe(true);
    expect(codeOf(v1Gift({ repeatEnd: 'yes' }))).toBe('invalid_event');
  });

  it('scales seconds to milliseconds and uses arrival time when there is none', () => {
    expect(expectGift(normalizeEvent(v1Gift({ createTime: 1692725773 }), ctx)).time).toBe(
      1692725773000,
    );
    expect(expectGift(normalizeEvent(v1Gift({ createTime: undefined }), ctx)).time).toBe(NOW);
    expect(
      expectGift(normalizeEvent(v1Gift({ createTime: undefined, timestamp: ROSE.time }), ctx)).time,
    ).toBe(ROSE.time);
    expect(
      expectGift(normalizeEvent(v3Gift({ common: { msgId: '5', createTime: '0' } }), ctx)).time,
    ).toBe(NOW);
    expect(codeOf(v1Gift({ createTime: 'yesterday' }))).toBe('invalid_event');
    expect(codeOf(v1Gift({ createTime: 12 }))).toBe('invalid_event');
  });

  it('a non-streakable gift carries no streak, a group id of 0 means no group', () => {
    const lion = expectGift(
      normalizeEvent(
        v3Gift({
          giftId: '6369',
          gift: { id: '6369', name: 'Lion', type: 2, diamondCount: 29999 },
        }),
        ctx,
      ),
    );
    expect(lion.gift).toMatchObject({ id: 6369, coins: 29999, streakable: false });
    expect(lion.streak).toBeUndefined();
    const noGroup = expectGift(normalizeEvent(v1Gift({ groupId: '0' }), ctx));
    expect(noGroup.streak).toEqual({ id: '', end: false });
    const bare = expectGift(
      normalizeEvent(v1Gift({ groupId: undefined, repeatEnd: undefined }), ctx),
    );
    expect(bare.streak).toBeUndefined();
  });

  it('falls back to the catalog for price, name and streakability', () => {
    const e = expectGift(
      normalizeEvent(
        v1Gift({ diamondCount: undefined, giftType: undefined, giftName: undefined }),
        ctx,
      ),
    );
    expect(e.gift).toMatchObject({ id: 5655, name: 'Rose', coins: 1, streakable: true });
    expect(codeOf(v1Gift({ giftId: 424242, diamondCount: undefined }))).toBe('unknown_gift');
    expect(codeOf(v3Gift({ giftId: '424242', gift: { name: 'X' } }))).toBe('unknown_gift');
  });

  it('reads the price from extendedGiftInfo, which the 2.4+ legacy emitter attaches instead', () => {
    const flat = v1Gift({
      giftId: 424242,
      diamondCount: undefined,
      giftType: undefined,
      giftName: undefined,
      giftPictureUrl: undefined,
      extendedGiftInfo: {
        id: 424242,
        name: 'Comet',
        diamond_count: 250,
        type: 1,
        image: { url_list: ['https://cdn.example/comet.png'] },
      },
    });
    expect(expectGift(normalizeEvent(flat, ctx)).gift).toEqual({
      id: 424242,
      name: 'Comet',
      coins: 250,
      streakable: true,
      image: 'https://cdn.example/comet.png',
    });
  });

  it('a price or type of 0 is a protobuf default: the catalog decides', () => {
    const e = expectGift(
      normalizeEvent(v3Gift({ gift: { id: '5655', name: 'Rose', type: 0, diamondCount: 0 } }), ctx),
    );
    expect(e.gift).toMatchObject({ coins: 1, streakable: true });
    expect(codeOf(v3Gift({ giftId: '424242', gift: { type: 1, diamondCount: 0 } }))).toBe(
      'unknown_gift',
    );
    expect(codeOf(v1Gift({ giftId: 424242, diamondCount: '0' }))).toBe('unknown_gift');
  });

  it('a catalog image that is not an http(s) URL is dropped', () => {
    const catalog = mergeCatalogs(bundledCatalog, [
      { id: 2, name: 'Bad', coins: 1, streakable: false, image: 'javascript:alert(1)' },
    ]);
    const e = expectGift(
      normalizeEvent(v1Gift({ giftId: 2, giftPictureUrl: undefined }), withCatalog(catalog)),
    );
    expect(e.gift.image).toBeUndefined();
  });

  it('an empty nickname shows the handle', () => {
    const e = expectGift(
      normalizeEvent(v3Gift({ user: { idStr: '7', displayId: 'fan', nickname: '' } }), ctx),
    );
    expect(e.user).toEqual({ id: '7', handle: 'fan', name: 'fan' });
  });

  it('reads a v3 user whose idStr is empty from user.id', () => {
    const e = expectGift(
      normalizeEvent(
        v3Gift({ user: { id: ROSE.userId, idStr: '', displayId: ROSE.handle, nickname: 'n' } }),
        ctx,
      ),
    );
    expect(e.user.id).toBe(ROSE.userId);
  });

  it('reads the v3 gift id from the gift when the top-level id is a protobuf default', () => {
    const e = expectGift(normalizeEvent(v3Gift({ giftId: '0' }), ctx));
    expect(e.gift.id).toBe(5655);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['no message id', v1Gift({ msgId: undefined })],
    [
      'a protobuf default message id "0"',
      v3Gift({ common: { msgId: '0', createTime: '1692725773880' } }),
    ],
    ['an empty message id', v2Gift({ common: { msgId: '', createTime: '1692725773880' } })],
    [
      'a message id number beyond 2^53 (already rounded by JSON)',
      v1Gift({ msgId: Number(ROSE.msgId) }),
    ],
    ['a message id number with 300 digits', v1Gift({ msgId: 1e300 })],
    ['a negative message id', v1Gift({ msgId: -5 })],
    ['a fractional message id', v1Gift({ msgId: 1.5 })],
    ['a user id number beyond 2^53', v1Gift({ userId: Number(ROSE.userId) })],
    ['an over-long message id', v1Gift({ msgId: '9'.repeat(MAX_ID_LENGTH + 1) })],
    ['a user id with a control character', v1Gift({ userId: '6809\u001f5655' })],
    ['no user id', v1Gift({ userId: undefined })],
    ['a gift id that is not a number', v1Gift({ giftId: 'rose' })],
    ['repeatCount 0', v1Gift({ repeatCount: 0 })],
    ['a negative repeatCount', v2Gift({ repeatCount: -1 })],
    ['a fractional repeatCount', v3Gift({ repeatCount: 1.5 })],
    ['a NaN repeatCount', v1Gift({ repeatCount: 'NaN' })],
    ['an absurd repeatCount', v1Gift({ repeatCount: MAX_COUNT + 1 })],
    ['a null repeatCount', v1Gift({ repeatCount: null })],
    ['a negative price', v1Gift({ diamondCount: -1 })],
    ['an absurd price', v1Gift({ diamondCount: MAX_COINS + 1 })],
    ['a fractional price', v2Gift({ giftDetails: { giftType: 1, diamondCount: 0.5 } })],
  ];
  it.each(invalid)('refuses %s as invalid_event', (_what, input) => {
    expect(codeOf(input)).toBe('invalid_event');
  });

  it('never produces an id longer than the limit', () => {
    const r = normalizeEvent(v1Gift({ userId: 1e300 }), ctx);
    if (r.ok) {
      const e = expectGift(r);
      expect(e.user.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    }
  });
});

describe('TikFinity events', () => {
  it('likes count likeCount, follows and shares count one', () => {
    const c = makeContext();
    const like = expectEvent(
      normalizeEvent(
        tikfinity('like', {
          msgId: 'l1',
          likeCount: 15,
          userId: '42',
          uniqueId: 'fan',
          nickname: 'Fan',
          createTime: String(ROSE.time),
        }),
        c,
      ),
    );
    expect(like).toEqual({
      type: 'like',
      id: 'l1',
      time: ROSE.time,
      user: { id: '42', handle: 'fan', name: 'Fan' },
      count: 15,
      origin: 'live',
    });
    expect(expectEvent(normalizeEvent(tikfinity('like', { userId: '42' }), c))).toMatchObject({
      type: 'like',
      id: 'gen-0',
      count: 1,
      time: NOW,
    });
    expect(
      expectEvent(normalizeEvent(tikfinity('follow', { userId: '42', likeCount: 9 }), c)),
    ).toMatchObject({ type: 'follow', count: 1 });
    expect(expectEvent(normalizeEvent(tikfinity('share', {}), c))).toMatchObject({
      type: 'share',
      count: 1,
      user: { id: '0' },
    });
    expect(expectEvent(normalizeEvent(tikfinity('like', { createTime: 'garbage' }), c)).time).toBe(
      NOW,
    );
    // The canonical shape refuses absurd counts; the TikFinity reader must too.
    expect(codeOf(tikfinity('like', { likeCount: MAX_COUNT + 1 }), c)).toBe('invalid_event');
  });

  it('roomUser carries the viewer count; streamEnd ends the session', () => {
    const c = makeContext();
    expect(expectEvent(normalizeEvent(tikfinity('roomUser', { viewerCount: 321 }), c))).toEqual({
      type: 'viewers',
      id: 'gen-0',
      time: NOW,
      count: 321,
      origin: 'live',
    });
    expect(codeOf(tikfinity('roomUser', {}), c)).toBe('invalid_event');
    expect(codeOf(tikfinity('roomUser', { viewerCount: 2 ** 40 }), c)).toBe('invalid_event');
    expect(expectEvent(normalizeEvent(tikfinity('streamEnd', { action: 3 }), c))).toEqual({
      type: 'session',
      id: 'gen-3',
      time: NOW,
      action: 'end',
      origin: 'live',
    });
  });

  it.each(['chat', 'member', 'social', 'emote', 'envelope', 'questionNew', 'x'.repeat(500)])(
    'ignores %s frames without error',
    (name) => {
      const r = normalizeEvent(tikfinity(name, { comment: 'hi' }), ctx);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.kind).toBe('ignored');
        if (r.value.kind === 'ignored') expect(r.value.reason.length).toBeLessThan(100);
      }
    },
  );

  it('reads a newer connector shape forwarded inside a TikFinity frame', () => {
    expect(expectGift(normalizeEvent(tikfinity('gift', v3Gift()), ctx))).toEqual(roseEvent);
    expect(expectGift(normalizeEvent(tikfinity('gift', v2Gift()), ctx))).toEqual(roseEvent);
  });

  it('a like with message id "0" gets an id of its own', () => {
    const c = makeContext();
    const a = expectEvent(normalizeEvent(tikfinity('like', { msgId: '0', userId: '1' }), c));
    const b = expectEvent(normalizeEvent(tikfinity('like', { msgId: '0', userId: '1' }), c));
    expect(a.id).not.toBe(b.id);
  });

  it('refuses a TikFinity frame without a data object and a bad TikFinity gift', () => {
    expect(codeOf({ event: 'gift' })).toBe('invalid_event');
    expect(codeOf({ event: 'gift', data: [] })).toBe('invalid_event');
    expect(codeOf(tikfinity('gift', v1Gift({ repeatCount: -2 })))).toBe('invalid_event');
    expect(codeOf(tikfinity('gift', v1Gift({ giftId: 424242, diamondCount: undefined })))).toBe(
      'unknown_gift',
    );
  });
});

describe('unrecognised input', () => {
  it.each([null, undefined, 42, 'gift', true, [], [canonicalGift()], {}, { giftId: 5655 }])(
    'refuses %j as invalid_event',
    (input) => {
      expect(codeOf(input)).toBe('invalid_event');
    },
  );

  it('a connector object with an unrelated "type" field is still read as a connector gift', () => {
    const e = expectGift(normalizeEvent(v1Gift({ type: 'WebcastGiftMessage' }), ctx));
    expect(e.id).toBe(ROSE.msgId);
  });
});
