import { fail, ok, type Result } from './result';

/** One gift the app knows the price of. */
export interface CatalogGift {
  id: number;
  name: string;
  /** Coin price of one gift. */
  coins: number;
  /** TikTok gift type 1: sent in streaks with a running repeat count. */
  streakable: boolean;
  image?: string;
}

/** A gift catalog: id → gift. Immutable; a new catalog replaces the old one. */
export type GiftCatalog = ReadonlyMap<number, CatalogGift>;

/**
 * The bundled catalog: a hand-curated list of common gifts from public facts (id, name, coin
 * price, streakable). A live connection replaces it with the catalog TikTok reports.
 */
const BUNDLED: readonly (readonly [number, string, number, boolean])[] = [
  [5655, 'Rose', 1, true],
  [5269, 'TikTok', 1, true],
  [6064, 'GG', 1, true],
  [5827, 'Ice Cream Cone', 1, true],
  [7934, 'Heart Me', 1, false],
  [5487, 'Finger Heart', 5, true],
  [5480, 'Heart', 10, true],
  [5658, 'Perfume', 20, true],
  [5879, 'Doughnut', 30, true],
  [5659, 'Paper Crane', 99, false],
  [5660, 'Hand Hearts', 100, false],
  [5585, 'Confetti', 100, false],
  [5509, 'Sunglasses', 199, false],
  [6267, 'Corgi', 299, false],
  [7168, 'Money Gun', 500, false],
  [5897, 'Swan', 699, false],
  [5978, 'Train', 899, false],
  [5587, 'Gold Mine', 1000, false],
  [6090, 'Fireworks', 1088, false],
  [5767, 'Private Jet', 4888, false],
  [6089, 'Sports Car', 7000, false],
  [6149, 'Interstellar', 10000, false],
  [6751, 'TikTok Shuttle', 20000, false],
  [6369, 'Lion', 29999, false],
  [9072, 'TikTok Universe', 44999, false],
];

export const bundledCatalog: GiftCatalog = new Map(
  BUNDLED.map(([id, name, coins, streakable]) => [id, { id, name, coins, streakable }]),
);

/** Returns a catalog where `update` entries replace or add to `base`. */
export function mergeCatalogs(base: GiftCatalog, update: Iterable<CatalogGift>): GiftCatalog {
  const next = new Map(base);
  for (const gift of update) next.set(gift.id, gift);
  return next;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const firstString = (v: unknown): string | undefined =>
  Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/**
 * Reads a gift list in the shape of TikTok's gift-list API (`{data:{gifts:[…]}}`, or the bare
 * array a connector reports: `diamond_count` or `diamondCount`, `type` 1 = streakable). Entries that
 * are not well-formed are skipped; an answer with no usable gift is an error.
 */
export function parseTikTokCatalog(input: unknown): Result<CatalogGift[]> {
  let list: unknown = input;
  if (isRecord(list) && isRecord(list.data)) list = list.data.gifts;
  else if (isRecord(list) && Array.isArray(list.gifts)) list = list.gifts;
  if (!Array.isArray(list))
    return fail('invalid_request', 'A gift catalog must be a list of gifts.');
  const gifts: CatalogGift[] = [];
  for (const raw of list as unknown[]) {
    if (!isRecord(raw)) continue;
    // Ids arrive as numbers or (from int64 fields) digit strings; Number('') is 0 and
    // Number('0x10') is 16, so only plain digits are read.
    const id = typeof raw.id === 'string' && /^\d{1,16}$/.test(raw.id) ? Number(raw.id) : raw.id;
    const coins = raw.diamond_count ?? raw.diamondCount;
    const name = raw.name;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) continue;
    if (typeof coins !== 'number' || !Number.isSafeInteger(coins) || coins < 0) continue;
    if (typeof name !== 'string') continue;
    const image = isRecord(raw.image)
      ? (firstString(raw.image.url_list) ??
        firstString(raw.image.urlList) ??
        firstString(raw.image.url))
      : undefined;
    gifts.push({
      id,
      name: name.trim() || `Gift ${id}`,
      coins,
      streakable: raw.type === 1,
      ...(image ? { image } : {}),
    });
  }
  if (gifts.length === 0) return fail('invalid_request', 'The gift catalog has no usable gift.');
  return ok(gifts);
}
