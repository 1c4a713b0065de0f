import { EventEmitter } from 'node:events';
import type { TikTokConnection } from '../../electron/services/sources/tiktok';

/**
 * A stand-in for tiktok-live-connector's connection: TikTok's servers cannot exist here, so
 * this plays them, emitting the real recorded messages decoded with TikTok's own schema.
 */
export class FakeConnection extends EventEmitter implements TikTokConnection {
  connects = 0;
  disconnects = 0;
  constructor(private readonly room: FakeTikTok) {
    super();
  }
  async connect(): Promise<unknown> {
    this.connects++;
    await Promise.resolve();
    const outcome = this.room.connectOutcomes.shift();
    if (outcome instanceof Error) throw outcome;
    return { isConnected: true, roomId: '7270193599273683745' };
  }
  disconnect(): Promise<void> {
    this.disconnects++;
    this.emit('disconnected', { code: 1000 });
    return Promise.resolve();
  }
  fetchIsLive(): Promise<boolean> {
    this.room.liveChecks++;
    return Promise.resolve(this.room.liveAnswers.shift() ?? true);
  }
  fetchAvailableGifts(): Promise<unknown> {
    if (this.room.gifts === undefined) return Promise.reject(new Error('no gift list'));
    return Promise.resolve(this.room.gifts);
  }
  override removeAllListeners(): this {
    return super.removeAllListeners();
  }
}

/** The scripted TikTok side: what connects, who is LIVE, the gift list. */
export class FakeTikTok {
  connections: FakeConnection[] = [];
  calls: { username: string; signApiKey?: string }[] = [];
  connectOutcomes: (Error | 'ok')[] = [];
  liveAnswers: boolean[] = [];
  liveChecks = 0;
  gifts: unknown = undefined;
  factory = (username: string, options: { signApiKey?: string }): TikTokConnection => {
    this.calls.push({ username, ...options });
    const connection = new FakeConnection(this);
    this.connections.push(connection);
    return connection;
  };
  get current(): FakeConnection {
    const last = this.connections[this.connections.length - 1];
    if (!last) throw new Error('no connection yet');
    return last;
  }
}
