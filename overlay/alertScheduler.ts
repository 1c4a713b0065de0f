import type { EventOrigin, GiftInfo, Viewer } from '../shared/events';
import type { CountedGift } from '../shared/liveState';
import { DEFAULT_STREAK_TIMEOUT_MS } from '../shared/streaks';
import { TIERS, tierOf, type OverlayConfig, type Tier } from './config';

/**
 * Decides which gift alerts are on screen, without touching the DOM or the clock (callers pass
 * `now`), so storms can be tested as plain values.
 *
 * Rules: one card per streak key, updated in place as the combo counts up; at most `maxOnScreen`
 * cards; a card never starts later than `maxLagMs` after its gift arrived. When the queue would
 * break that bound, small gifts are merged ("+23 Roses from 9 viewers"), then merged across gift
 * kinds, then every card's time on screen is shortened. Gifts worth `thresholds.big` or more are
 * never merged and never dropped.
 */

/** One card as the renderer draws it. */
export interface AlertCard {
  /** Stable per card, for the renderer's node map. */
  id: number;
  kind: 'single' | 'merged';
  /** The streak key of a single card; null for merged cards. */
  key: string | null;
  /** The sender of a single card; null for merged cards. */
  user: Viewer | null;
  /** The gift; null when a merged card mixes several kinds. */
  gift: GiftInfo | null;
  count: number;
  coins: number;
  /** Distinct viewers behind the card. */
  viewers: number;
  tier: Tier;
  origin: EventOrigin;
}

/** What changed since the last `drain()`. */
export type CardChange =
  | { type: 'show'; card: AlertCard }
  | { type: 'update'; card: AlertCard }
  | { type: 'hide'; card: AlertCard };

/** Numbers for tests and the preview: how far behind live the alerts ran. */
export interface SchedulerStats {
  /** Largest delay between a gift arriving and it being visible (ms). */
  maxLagMs: number;
  /** Gifts (streak keys) that became visible. */
  visibleGifts: number;
  /** Cards shown, merged or not. */
  cardsShown: number;
  /** Streak keys folded into merged cards. */
  mergedGifts: number;
}

/** The part of the overlay configuration the scheduler reads. */
export type SchedulerOptions = Pick<
  OverlayConfig,
  'maxOnScreen' | 'maxLagMs' | 'thresholds' | 'durations' | 'minCoins'
>;

interface Member {
  userId: string;
  count: number;
  coinsEach: number;
  receivedAt: number;
  visible: boolean;
}

interface Entry {
  card: AlertCard;
  /** Set in a heavy storm: a celebration shown as a big card rather than waiting its turn. */
  capTier?: Tier;
  members: Map<string, Member>;
  /** The earliest `receivedAt` of its members: the lag of the card is measured from it. */
  oldestAt: number;
  /** Distinct viewers among the members. */
  viewerIds: Set<string>;
  state: 'queued' | 'shown';
  shownAt: number;
  expiresAt: number;
}

/** Shortest time on screen per tier while alerts are waiting: [normal storm, heavy storm]. */
const MIN_SHOW: Record<Tier, readonly [number, number]> = {
  toast: [1_000, 600],
  standard: [1_500, 800],
  big: [2_500, 1_200],
  celebration: [4_000, 2_000],
};
/** The shortest a card is ever shown, even in the heaviest storm of big gifts. */
const MIN_SQUEEZE_MS = 400;
/** A combo update keeps its card up at least this long afterwards. */
const COMBO_HOLD_MS = 2_500;
/** Plan for this share of the lag bound, leaving room for timer and network slack. */
const LAG_BUDGET = 0.7;
/**
 * How long a streak key is remembered after its last message once its card has gone (or while it
 * is still under the minimum). The server closes a streak quiet for `DEFAULT_STREAK_TIMEOUT_MS`
 * (15 s), and the pending/committed twins of one gift arrive within a second or two; four times the
 * streak timeout also covers a source that reconnects and re-sends the end of a streak.
 */
export const KEY_MEMORY_MS = 4 * DEFAULT_STREAK_TIMEOUT_MS;
/** Hard caps on remembered keys, for storms faster than the time bound alone can keep small. */
export const FINISHED_MEMORY = 5_000;
export const BELOW_MIN_MEMORY = 2_000;

const tierRank = (t: Tier): number => TIERS.indexOf(t);

/** The alert scheduler; one per alerts widget. */
export class AlertScheduler {
  private readonly opts: SchedulerOptions;
  private readonly queue: Entry[] = [];
  private readonly shown: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  /**
   * Keys whose card already came and went, with the time of their last message: later repeats
   * must not raise a second alert. Insertion order is last-touch order, so forgetting is from the
   * front.
   */
  private readonly finished = new Map<string, number>();
  /** Streaks still under the minimum (last message time): they alert once their combo reaches it. */
  private readonly belowMin = new Map<string, { gift: CountedGift; at: number }>();
  /** No remembered key can age out before this: until then `forget` has nothing to do. */
  private forgetDue = Infinity;
  private changes: CardChange[] = [];
  private nextId = 1;
  /** 0 calm, 1 storm (merging), 2 heavy storm (merging and short cards). */
  private level: 0 | 1 | 2 = 0;
  /** In a storm of big gifts: every card's time on screen, shortened so the queue keeps up. */
  private squeezeMs: number | null = null;
  /** Whether queued cards need on-screen cards cut to their minimum time. */
  private cutting = false;
  readonly stats: SchedulerStats = { maxLagMs: 0, visibleGifts: 0, cardsShown: 0, mergedGifts: 0 };

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
  }

  /** A counted gift message: a new streak, or an update of one already known. */
  gift(g: CountedGift, now: number): void {
    this.forget(now);
    const known = this.byKey.get(g.key);
    if (known) {
      this.updateMember(known, g.key, g.count, now);
      return;
    }
    if (this.finished.has(g.key)) {
      // Still arriving: keep guarding this key for a full window after this message.
      this.rememberFinished(g.key, now);
      return;
    }
    const pending = this.belowMin.get(g.key)?.gift;
    const count = Math.max(g.count, pending?.count ?? 0);
    if (count * g.gift.coins < this.opts.minCoins) {
      this.rememberBelowMin({ ...g, count }, now);
      return;
    }
    this.belowMin.delete(g.key);
    this.add({ ...g, count }, now);
  }

  /** A combo update for a streak: the card's counter follows, never a second card. */
  combo(key: string, count: number, now: number): void {
    const entry = this.byKey.get(key);
    if (entry) {
      this.updateMember(entry, key, count, now);
      return;
    }
    if (this.finished.has(key)) {
      this.rememberFinished(key, now);
      return;
    }
    const pending = this.belowMin.get(key)?.gift;
    if (pending && count > pending.count) this.gift({ ...pending, count }, now);
  }

  /**
   * Drops keys quiet for longer than `KEY_MEMORY_MS` (finished and below-minimum alike). Called on
   * every gift; callers also call it now and then while idle, so a storm's keys do not outlive it.
   */
  forget(now: number): void {
    // The per-gift call is this comparison: the loops below run once per window, not per gift.
    if (now < this.forgetDue) return;
    for (const [key, at] of this.finished) {
      if (now - at < KEY_MEMORY_MS) break;
      this.finished.delete(key);
    }
    for (const [key, waiting] of this.belowMin) {
      if (now - waiting.at < KEY_MEMORY_MS) break;
      this.belowMin.delete(key);
    }
    // Insertion order is last-touch order: the first entry of each is its oldest.
    const finished = this.finished.values().next();
    const waiting = this.belowMin.values().next();
    this.forgetDue =
      Math.min(
        finished.done ? Infinity : finished.value,
        waiting.done ? Infinity : waiting.value.at,
      ) + KEY_MEMORY_MS;
  }

  /** Keys remembered after their card, and streaks waiting under the minimum (for tests). */
  get remembered(): { finished: number; belowMin: number } {
    return { finished: this.finished.size, belowMin: this.belowMin.size };
  }

  /** Advances time: ends cards, starts queued ones, and merges when the queue runs late. */
  tick(now: number): void {
    // Plain index loops here and below: this runs for every gift of a storm, and V8 keeps the
    // optimized code of what it runs that often for as long as the page lives.
    for (let i = 0; i < this.shown.length;) {
      const e = this.shown[i] as Entry;
      if (e.expiresAt <= now) this.hide(e, now);
      else i++;
    }
    this.fill(now);
    // Cards are cut short only when waiting for them to end would make the queue late.
    this.cutting =
      this.queue.length > 0 && this.projectedLag(now, 'natural') > this.opts.maxLagMs * LAG_BUDGET;
    while (this.cutting && this.queue.length > 0 && this.placeable() === null) {
      // The card that ends soonest among those that have had their minimum time.
      const candidates = this.cutCandidates();
      let cuttable: Entry | null = null;
      for (let i = 0; i < candidates.length; i++) {
        const e = candidates[i] as Entry;
        if (e.shownAt + this.minShow(e.card.tier) > now) continue;
        if (cuttable === null || e.expiresAt < cuttable.expiresAt) cuttable = e;
      }
      if (cuttable === null) break;
      this.hide(cuttable, now);
      this.fill(now);
    }
    if (this.queue.length === 0) {
      this.level = 0;
      this.squeezeMs = null;
      this.cutting = false;
    }
  }

  /** When `tick` next has work to do; null when nothing is on screen or waiting (idle). */
  nextWakeAt(): number | null {
    let next = Infinity;
    for (let i = 0; i < this.shown.length; i++) {
      next = Math.min(next, (this.shown[i] as Entry).expiresAt);
    }
    if (this.cutting && this.placeable() === null) {
      const candidates = this.cutCandidates();
      for (let i = 0; i < candidates.length; i++) {
        const e = candidates[i] as Entry;
        next = Math.min(next, e.shownAt + this.minShow(e.card.tier));
      }
    }
    return next === Infinity ? null : next;
  }

  /** Cards that may be cut short for the queue: with a free slot, only a blocking celebration. */
  private cutCandidates(): Entry[] {
    if (this.shown.length >= this.opts.maxOnScreen) return this.shown.slice();
    const out: Entry[] = [];
    for (let i = 0; i < this.shown.length; i++) {
      const e = this.shown[i] as Entry;
      if (e.card.tier === 'celebration') out.push(e);
    }
    return out;
  }

  /** Changes since the last call, in order. */
  drain(): CardChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** Cards waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  /** Cards on screen. */
  get onScreen(): number {
    return this.shown.length;
  }

  private rememberBelowMin(g: CountedGift, now: number): void {
    this.belowMin.delete(g.key);
    this.belowMin.set(g.key, { gift: g, at: now });
    this.forgetDue = Math.min(this.forgetDue, now + KEY_MEMORY_MS);
    if (this.belowMin.size > BELOW_MIN_MEMORY) {
      const oldest = this.belowMin.keys().next();
      if (!oldest.done) this.belowMin.delete(oldest.value);
    }
  }

  private rememberFinished(key: string, now: number): void {
    this.finished.delete(key);
    this.finished.set(key, now);
    this.forgetDue = Math.min(this.forgetDue, now + KEY_MEMORY_MS);
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
  }

  private isMergeable(coins: number): boolean {
    return coins < this.opts.thresholds.big;
  }

  private add(g: CountedGift, now: number): void {
    const member: Member = {
      userId: g.user.id,
      count: g.count,
      coinsEach: g.gift.coins,
      receivedAt: now,
      visible: false,
    };
    const coins = g.count * g.gift.coins;
    if (this.level > 0 && this.isMergeable(coins)) {
      const group = this.groupFor(g.gift);
      if (group) {
        this.join(group, g.key, member, now);
        this.tick(now);
        return;
      }
    }
    const entry: Entry = {
      card: {
        id: this.nextId++,
        kind: 'single',
        key: g.key,
        user: g.user,
        gift: g.gift,
        count: g.count,
        coins,
        viewers: 1,
        tier: tierOf(coins, this.opts.thresholds),
        origin: g.origin,
      },
      members: new Map([[g.key, member]]),
      oldestAt: now,
      viewerIds: new Set([member.userId]),
      state: 'queued',
      shownAt: 0,
      expiresAt: 0,
    };
    this.byKey.set(g.key, entry);
    this.queue.push(entry);
    this.tick(now);
    this.compact(now);
  }

  /** During a storm: the merged card a small gift joins, shown ones first (no wait at all). */
  private groupFor(gift: GiftInfo): Entry | null {
    const fits = (e: Entry): boolean =>
      e.card.kind === 'merged' && (e.card.gift === null || e.card.gift.id === gift.id);
    return this.shown.find(fits) ?? this.queue.find(fits) ?? null;
  }

  private join(group: Entry, key: string, member: Member, now: number): void {
    group.members.set(key, member);
    group.oldestAt = Math.min(group.oldestAt, member.receivedAt);
    group.viewerIds.add(member.userId);
    this.byKey.set(key, group);
    this.stats.mergedGifts++;
    // One more member: add it to the totals rather than recount a card of thousands per gift.
    this.addToTotals(group, member.count, member.count * member.coinsEach);
    if (group.state === 'shown') {
      this.markVisible(group, now);
      group.expiresAt = Math.max(group.expiresAt, now + COMBO_HOLD_MS);
      this.changes.push({ type: 'update', card: { ...group.card } });
    }
  }

  private updateMember(entry: Entry, key: string, count: number, now: number): void {
    const m = entry.members.get(key);
    if (!m || count <= m.count) return;
    const more = count - m.count;
    m.count = count;
    this.addToTotals(entry, more, more * m.coinsEach);
    if (entry.state === 'shown') {
      const hold = Math.min(COMBO_HOLD_MS, this.opts.durations[entry.card.tier]);
      entry.expiresAt = Math.max(entry.expiresAt, now + hold);
      this.changes.push({ type: 'update', card: { ...entry.card } });
    }
  }

  /** Recomputes a card's totals from its members (after merging cards). */
  private refresh(entry: Entry): void {
    let count = 0;
    let coins = 0;
    entry.viewerIds.clear();
    for (const m of entry.members.values()) {
      count += m.count;
      coins += m.count * m.coinsEach;
      entry.viewerIds.add(m.userId);
    }
    entry.card.count = 0;
    entry.card.coins = 0;
    this.addToTotals(entry, count, coins);
  }

  /** Adds to a card's totals (gifts and coins are whole numbers: the sums are exact). */
  private addToTotals(entry: Entry, count: number, coins: number): void {
    const card = entry.card;
    card.count += count;
    card.coins += coins;
    card.viewers = entry.viewerIds.size;
    const tier = tierOf(card.coins, this.opts.thresholds);
    // A merged card stands for many small gifts: it never grows into a big or celebration card.
    const cap = card.kind === 'merged' ? 'standard' : (entry.capTier ?? 'celebration');
    card.tier = tierRank(tier) > tierRank(cap) ? cap : tier;
  }

  private minShow(tier: Tier): number {
    const [storm, heavy] = MIN_SHOW[tier];
    const base = Math.min(this.opts.durations[tier], this.level === 2 ? heavy : storm);
    return this.squeezeMs === null ? base : Math.min(base, this.squeezeMs);
  }

  /** Index in the queue of the first card that may start now, or null. */
  private placeable(): number | null {
    if (this.shown.length >= this.opts.maxOnScreen) return null;
    if (!this.celebrating()) return this.queue.length > 0 ? 0 : null;
    // One full-screen celebration at a time; smaller cards may pass a waiting celebration.
    for (let i = 0; i < this.queue.length; i++) {
      if ((this.queue[i] as Entry).card.tier !== 'celebration') return i;
    }
    return null;
  }

  /** The celebration on screen, if any. */
  private celebrating(): Entry | null {
    for (let i = 0; i < this.shown.length; i++) {
      const e = this.shown[i] as Entry;
      if (e.card.tier === 'celebration') return e;
    }
    return null;
  }

  private fill(now: number): void {
    for (let i = this.placeable(); i !== null; i = this.placeable()) {
      const entry = this.queue[i] as Entry;
      this.queue.splice(i, 1);
      entry.state = 'shown';
      entry.shownAt = now;
      entry.expiresAt = now + this.opts.durations[entry.card.tier];
      this.shown.push(entry);
      this.markVisible(entry, now);
      this.stats.cardsShown++;
      this.changes.push({ type: 'show', card: { ...entry.card } });
    }
  }

  private markVisible(entry: Entry, now: number): void {
    for (const m of entry.members.values()) {
      if (m.visible) continue;
      m.visible = true;
      this.stats.visibleGifts++;
      this.stats.maxLagMs = Math.max(this.stats.maxLagMs, now - m.receivedAt);
    }
  }

  private hide(entry: Entry, now: number): void {
    const i = this.shown.indexOf(entry);
    if (i >= 0) this.shown.splice(i, 1);
    for (const key of entry.members.keys()) {
      this.byKey.delete(key);
      this.rememberFinished(key, now);
    }
    this.changes.push({ type: 'hide', card: { ...entry.card } });
  }

  /**
   * The largest lag the queue would reach: a greedy replay of the slots, celebrations one at a
   * time. `short`: every card gets only its minimum time; `natural`: cards on screen run their
   * course, queued ones their minimum.
   */
  private projectedLag(now: number, mode: 'short' | 'natural' = 'short'): number {
    const slots: number[] = [];
    for (let i = 0; i < this.shown.length; i++) {
      const e = this.shown[i] as Entry;
      slots.push(
        mode === 'natural'
          ? Math.max(now, e.expiresAt)
          : Math.max(now, Math.min(e.expiresAt, e.shownAt + this.minShow(e.card.tier))),
      );
    }
    while (slots.length < this.opts.maxOnScreen) slots.push(now);
    const celebration = this.celebrating();
    let celebrationFree = !celebration
      ? now
      : mode === 'natural'
        ? Math.max(now, celebration.expiresAt)
        : Math.max(now, celebration.shownAt + this.minShow('celebration'));
    let worst = 0;
    for (let q = 0; q < this.queue.length; q++) {
      const e = this.queue[q] as Entry;
      // The slot that frees first.
      let first = 0;
      for (let i = 1; i < slots.length; i++)
        if ((slots[i] as number) < (slots[first] as number)) first = i;
      let start = slots[first] ?? now;
      if (e.card.tier === 'celebration') start = Math.max(start, celebrationFree);
      worst = Math.max(worst, start - e.oldestAt);
      const end = start + this.minShow(e.card.tier);
      slots[first] = end;
      if (e.card.tier === 'celebration') celebrationFree = end;
    }
    return worst;
  }

  /** Keeps the queue within the lag bound: merge by gift, then merge all, then shorten cards. */
  private compact(now: number): void {
    const budget = this.opts.maxLagMs * LAG_BUDGET;
    if (this.queue.length === 0 || this.projectedLag(now) <= budget) return;
    if (this.level === 0) this.level = 1;
    this.mergeQueued((e) => e.card.gift?.id ?? -1);
    if (this.projectedLag(now) <= budget) return;
    this.mergeQueued(() => 0);
    if (this.projectedLag(now) <= budget) return;
    this.level = 2;
    if (this.projectedLag(now) > budget) {
      // Full-screen celebrations take turns; rather than run late, later ones become big cards.
      for (const e of this.queue) {
        if (e.card.tier !== 'celebration') continue;
        e.capTier = 'big';
        this.refresh(e);
      }
    }
    // Big gifts faster than the slots can show them: shorten every card, down to a floor that is
    // still readable. Past that floor the rate of big gifts itself is the limit.
    for (let ms = 1_000; this.projectedLag(now) > budget && ms >= MIN_SQUEEZE_MS; ms -= 150) {
      if (this.squeezeMs === null || ms < this.squeezeMs) this.squeezeMs = ms;
    }
    this.tick(now);
  }

  /** Folds queued small cards with the same group id into one merged card each. */
  private mergeQueued(groupOf: (e: Entry) => number): void {
    const groups = new Map<number, Entry>();
    const kept: Entry[] = [];
    for (const e of this.queue) {
      if (!this.isMergeable(e.card.coins) && e.card.kind === 'single') {
        kept.push(e);
        continue;
      }
      const id = groupOf(e);
      const group = groups.get(id);
      if (!group) {
        groups.set(id, e);
        kept.push(e);
        continue;
      }
      this.absorb(group, e);
    }
    for (const group of groups.values()) this.refresh(group);
    this.queue.splice(0, this.queue.length, ...kept);
  }

  /** Moves `from`'s members into `into`, turning `into` into a merged card. */
  private absorb(into: Entry, from: Entry): void {
    if (into.card.kind === 'single') {
      into.card.kind = 'merged';
      into.card.key = null;
      into.card.user = null;
      this.stats.mergedGifts += into.members.size;
    }
    if (into.card.gift && from.card.gift && into.card.gift.id !== from.card.gift.id) {
      into.card.gift = null;
    }
    if (from.card.gift === null) into.card.gift = null;
    for (const [key, m] of from.members) {
      into.members.set(key, m);
      this.byKey.set(key, into);
    }
    into.oldestAt = Math.min(into.oldestAt, from.oldestAt);
    this.stats.mergedGifts += from.card.kind === 'single' ? from.members.size : 0;
    if (from.card.origin === 'live') into.card.origin = 'live';
  }
}
