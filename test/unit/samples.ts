/**
 * Hand-built payloads in every shape the normalizer accepts, modelled on the real Rose message in
 * ../shared/fixtures/tiktok (fixtures.test.ts checks the same values against the decoded original).
 */
import { bundledCatalog, type GiftCatalog } from '../../shared/catalog';
import type { GiftEvent, LiveEvent } from '../../shared/events';
import type { NormalizeContext, Normalized } from '../../shared/normalize';
import type { Result } from '../../shared/result';

export const ROSE = {
  msgId: '7270201542891817761',
  giftId: 5655,
  groupId: '1692725773860',
  userId: '6809568862012081157',
  handle: 'malowana_',
  nickname: '🧚‍♀️Malowana🧜‍♀️',
  time: 1692725773880,
  avatar: 'https://p16-sign-useast2a.tiktokcdn.com/avatar~c5_100x100.webp',
  image: 'https://p16-webcast.tiktokcdn.com/img/maliva/webcast-va/rose~tplv-obj.png',
} as const;

/** Arrival time used as the default event time in tests. */
export const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

/** A normalizer context with a deterministic id generator. */
export function makeContext(over: Partial<NormalizeContext> = {}): NormalizeContext {
  let next = 0;
  return {
    now: NOW,
    catalog: bundledCatalog,
    origin: 'live',
    makeId: () => `gen-${next++}`,
    ...over,
  };
}

export const withCatalog = (catalog: GiftCatalog): NormalizeContext => makeContext({ catalog });

/** TikTok-Live-Connector v1 flat gift (also what TikFinity forwards inside `data`). */
export const v1Gift = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  msgId: ROSE.msgId,
  createTime: String(ROSE.time),
  giftId: ROSE.giftId,
  giftType: 1,
  diamondCount: 1,
  giftName: 'Rose',
  giftPictureUrl: ROSE.image,
  repeatCount: 1,
  repeatEnd: false,
  groupId: ROSE.groupId,
  userId: ROSE.userId,
  uniqueId: ROSE.handle,
  nickname: ROSE.nickname,
  profilePictureUrl: ROSE.avatar,
  ...over,
});

/** TikTok-Live-Connector 2.0–2.1 gift: `giftDetails` and a `user` object. */
export const v2Gift = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  common: { msgId: ROSE.msgId, createTime: String(ROSE.time) },
  giftId: ROSE.giftId,
  repeatCount: 1,
  repeatEnd: 0,
  groupId: ROSE.groupId,
  user: {
    userId: ROSE.userId,
    uniqueId: ROSE.handle,
    nickname: ROSE.nickname,
    profilePicture: { url: [ROSE.avatar] },
  },
  giftDetails: {
    giftName: 'Rose',
    giftType: 1,
    diamondCount: 1,
    giftImage: { url: [ROSE.image] },
  },
  ...over,
});

/** TikTok-Live-Connector 2.4+ gift: the decoded v3 protobuf message (int64 fields as strings). */
export const v3Gift = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  common: { method: 'WebcastGiftMessage', msgId: ROSE.msgId, createTime: String(ROSE.time) },
  giftId: String(ROSE.giftId),
  repeatCount: 1,
  repeatEnd: 0,
  groupId: ROSE.groupId,
  user: {
    id: ROSE.userId,
    idStr: ROSE.userId,
    displayId: ROSE.handle,
    nickname: ROSE.nickname,
    avatarThumb: { urlList: [ROSE.avatar] },
  },
  gift: {
    id: String(ROSE.giftId),
    name: 'Rose',
    type: 1,
    diamondCount: 1,
    image: { urlList: [ROSE.image] },
  },
  ...over,
});

/** Gemlight's canonical gift event as documented in docs/protocol.md. */
export const canonicalGift = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'gift',
  id: ROSE.msgId,
  time: ROSE.time,
  user: { id: ROSE.userId, handle: ROSE.handle, name: ROSE.nickname, avatar: ROSE.avatar },
  gift: { id: ROSE.giftId, name: 'Rose', coins: 1, image: ROSE.image, streakable: true },
  count: 1,
  streak: { id: ROSE.groupId, end: false },
  ...over,
});

export const tikfinity = (
  event: string,
  data: Record<string, unknown>,
): Record<string, unknown> => ({
  event,
  data,
});

/** Unwraps a normalizer answer that must be an event. */
export function expectEvent(result: Result<Normalized>): LiveEvent {
  if (!result.ok)
    throw new Error(`expected an event, got ${result.error.code}: ${result.error.message}`);
  if (result.value.kind !== 'event')
    throw new Error(`expected an event, got ignored: ${result.value.reason}`);
  return result.value.event;
}

/** Unwraps a normalizer answer that must be a gift. */
export function expectGift(result: Result<Normalized>): GiftEvent {
  const event = expectEvent(result);
  if (event.type !== 'gift') throw new Error(`expected a gift, got ${event.type}`);
  return event;
}
