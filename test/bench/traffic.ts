import { TrafficGenerator, type SimulatedGift } from '../../electron/services/sources/simulator';

/**
 * Gift traffic for the benchmarks, built on the simulator's traffic model (long-tailed gifters,
 * streaks with rising counts, occasional big gifts) and rendered in the shapes real clients send.
 */

/** A gift as a push client sends it in Gemlight's canonical shape (origin left to the server). */
export function canonicalShape(g: SimulatedGift, time = g.time): Record<string, unknown> {
  return {
    type: 'gift',
    id: g.id,
    time,
    user: g.user,
    gift: g.gift,
    count: g.count,
    ...(g.streak ? { streak: g.streak } : {}),
  };
}

/** The same gift as TikTok-Live-Connector v1 emits it (what TikFinity-style relays forward). */
export function connectorShape(g: SimulatedGift, time = g.time): Record<string, unknown> {
  return {
    msgId: g.id,
    giftId: g.gift.id,
    giftType: g.gift.streakable ? 1 : 2,
    diamondCount: g.gift.coins,
    giftName: g.gift.name,
    repeatCount: g.count,
    repeatEnd: g.streak ? g.streak.end : true,
    ...(g.streak ? { groupId: g.streak.id } : {}),
    userId: g.user.id,
    uniqueId: g.user.handle,
    nickname: g.user.name,
    createTime: time,
  };
}

/** Endless live gift traffic; every other gift in the connector shape when `mixed`. */
export class GiftTraffic {
  private readonly model: TrafficGenerator;
  private n = 0;

  constructor(
    seed: number,
    idPrefix: string,
    private readonly mixed = true,
    gifters = 5_000,
  ) {
    this.model = new TrafficGenerator({ seed, idPrefix, gifters });
  }

  /** The next gift message as a JSON-ready object. */
  next(time: number): Record<string, unknown> {
    const g = this.model.nextGift(time);
    this.n++;
    return this.mixed && this.n % 2 === 0 ? connectorShape(g, time) : canonicalShape(g, time);
  }

  /** The next raw simulated gift (for callers that pick the shape themselves). */
  nextRaw(time: number, storm = false): SimulatedGift {
    return this.model.nextGift(time, storm);
  }
}
