import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random';
import { spawnServeProcess, tempDataDir, type ServeProcess } from '../support/server';
import {
  mapDiff,
  normalizeLikeServer,
  Oracle,
  readLedger,
  report,
  ResendingClient,
  scale,
  timeoutFor,
  TrafficGenerator,
  type CanonicalEvent,
} from './support';

const EVENTS = scale('CRASH_EVENTS', 20_000, 100_000);
const KILLS = scale('CRASH_KILLS', 6, 20);

/** Kill points: distinct ack counts spread at random over the ingest (seeded, so reproducible). */
function killPoints(seed: number): number[] {
  const rand = seededRandom(seed);
  const points = new Set<number>();
  while (points.size < KILLS) points.add(Math.floor(EVENTS * (0.03 + 0.94 * rand())));
  return [...points].sort((a, b) => a - b);
}

describe('crash safety: SIGKILL during ingest, at-least-once resend', () => {
  it(
    `loses nothing and counts nothing twice over ${KILLS} kills in ${EVENTS} events`,
    async () => {
      const dataDir = tempDataDir('gemlight-crash-');
      const token = randomBytes(24).toString('hex');
      const seed = 8_001;
      const gen = new TrafficGenerator({ seed, maxStreakLength: 600, parallelStreaks: 16 });
      const events: CanonicalEvent[] = [];
      for (let i = 0; i < EVENTS; i++) events.push(gen.next());
      const points = killPoints(seed);
      const client = new ResendingClient(50, 8);
      let server: ServeProcess | null = null;
      let killed = 0;
      let nextKill = 0;
      let spanning = 0;
      const spanningGroups = new Set<string>();
      client.onAck = (acked) => {
        const point = points[nextKill];
        // One kill per server life: acks still buffered from a killed server must not use up
        // the next kill point (it fires on the next server instead).
        if (point === undefined || acked < point || !server || server.child.killed) return;
        nextKill += 1;
        // Streaks with messages on both sides of this kill: they must still count once.
        const unackedGroups = new Set<string>();
        for (const e of client.unacked.values()) if (e.streak) unackedGroups.add(e.streak.id);
        for (const e of events) {
          if (e.streak && !client.unacked.has(e.id) && unackedGroups.has(e.streak.id)) {
            spanningGroups.add(e.streak.id);
          }
        }
        spanning = spanningGroups.size;
        server.child.kill('SIGKILL');
      };
      try {
        let first = true;
        for (;;) {
          server = await spawnServeProcess({
            dataDir,
            via: 'node',
            args: ['--token', token],
            env: { GEMLIGHT_SKIP_WEB_BUILD: '1' },
          });
          await client.connect(server.wsUrl, token);
          if (first) client.push(events);
          first = false;
          const outcome = await client.settled();
          if (outcome === 'drained') break;
          const code = await server.exited;
          expect(server.child.signalCode, `server exited with ${code}`).toBe('SIGKILL');
          killed += 1;
        }
        client.close();
        expect(await server.stop('SIGTERM')).toBe(0);

        const ledger = readLedger(join(dataDir, 'gemlight.db'));
        const oracle = new Oracle();
        const now = Date.now();
        for (const e of events) {
          const n = normalizeLikeServer(e, now);
          if (!n.ok || n.value.kind !== 'event') throw new Error(`generator made a bad event`);
          oracle.store(n.value.event);
        }
        report('crash', {
          events: EVENTS,
          kills: killed,
          resent: client.resent,
          duplicateAcks: client.duplicates,
          streaksAcrossKills: spanning,
          lost: gen.coins - ledger.liveCoins,
          rawEvents: ledger.rawEvents,
        });
        expect(client.errors).toEqual([]);
        expect(killed).toBe(KILLS);
        expect(spanning).toBeGreaterThan(0);
        expect(ledger.integrity).toBe('ok');
        // Every event stored exactly once…
        expect(ledger.rawEvents).toBe(EVENTS);
        // …and every total exactly what the generator and the shared StreakBook expect.
        expect(ledger.liveCoins).toBe(gen.coins);
        expect(ledger.liveGifts).toBe(gen.gifts);
        expect(oracle.live.totalCoins).toBe(gen.coins);
        expect(ledger.sessionCoins).toBe(gen.coins);
        expect(ledger.sessionGifts).toBe(gen.gifts);
        expect(ledger.likes).toBe(gen.likes);
        expect(mapDiff(gen.coinsByUser, ledger.allGifters)).toEqual([]);
        expect(mapDiff(oracle.liveCountByLookup, ledger.countByLookup)).toEqual([]);
      } finally {
        client.close();
        await server?.stop('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    timeoutFor(240_000, 3_600_000),
  );
});
