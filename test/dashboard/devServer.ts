/**
 * Starts a seeded Gemlight for working on the dashboard and for the screenshots:
 * `npx tsx test/dashboard/devServer.ts` prints the dashboard URL and serves until Ctrl+C.
 */
import { startTestServer } from '../support/server';
import { history, openSession, seedClock, seedIngest, shortSessions } from './seed';
import { buildWebRoot } from './webBuild';

/** A running seeded server. */
export async function startSeeded(
  options: { open?: boolean; sessions?: number; intensity?: number } = {},
) {
  const webRoot = await buildWebRoot();
  const clock = seedClock();
  // The seed sends a frame per minute of history as fast as acks come back: lift the frame budget.
  const server = await startTestServer({
    webRoot,
    now: clock.now,
    ingestRateLimit: { perSecond: 100_000, burst: 100_000 },
  });
  const now = Date.now();
  await seedIngest(
    server.wsUrl,
    server.token,
    [
      ...shortSessions(now, 20, 32),
      ...history(now, { sessions: options.sessions ?? 10, intensity: options.intensity ?? 2 }),
      ...(options.open === false ? [] : openSession(now, 75)),
    ],
    clock,
  );
  return { server, webRoot };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server } = await startSeeded();
  console.log(`dashboard ${server.baseUrl}/dashboard?token=${server.token}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
