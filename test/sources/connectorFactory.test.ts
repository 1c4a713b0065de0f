import { describe, expect, it } from 'vitest';
import { ControlEvent, TikTokLiveConnection, WebcastEvent } from 'tiktok-live-connector';
import {
  adaptConnection,
  connectorFactory,
  fromConnectorEvent,
} from '../../electron/services/sources/tiktok';
import { decodeFixtureGift, fixturesPresent } from './support';

describe('the real tiktok-live-connector behind the factory', () => {
  it('uses the event names the connector defines', () => {
    expect([
      WebcastEvent.GIFT,
      WebcastEvent.LIKE,
      WebcastEvent.FOLLOW,
      WebcastEvent.SHARE,
      WebcastEvent.ROOM_USER,
      WebcastEvent.STREAM_END,
      ControlEvent.DISCONNECTED,
      ControlEvent.ERROR,
    ]).toEqual([
      'gift',
      'like',
      'follow',
      'share',
      'roomUser',
      'streamEnd',
      'disconnected',
      'error',
    ]);
  });

  it('loads lazily and builds a connection without touching the network', async () => {
    const connection = await connectorFactory('malowana_', { signApiKey: 'test-key' });
    await expect(connection.disconnect()).resolves.toBeUndefined();
  });

  it.runIf(fixturesPresent)(
    'hears the events under the names the real connector emits them',
    () => {
      const real = new TikTokLiveConnection('malowana_', {});
      const adapted = adaptConnection(real);
      const heard: [string, unknown][] = [];
      adapted.on('gift', (payload) => heard.push(['gift', payload]));
      adapted.on('streamEnd', (payload) => heard.push(['streamEnd', payload]));
      adapted.on('disconnected', (payload) => heard.push(['disconnected', payload]));
      const gift = decodeFixtureGift();
      // The connector's own emitter, with its own event names (WebcastEvent / ControlEvent).
      real.emit(WebcastEvent.GIFT, gift);
      real.emit(WebcastEvent.STREAM_END, { action: 3 });
      real.emit(ControlEvent.DISCONNECTED, { code: 1000 });
      expect(heard.map(([name]) => name)).toEqual(['gift', 'streamEnd', 'disconnected']);
      expect(fromConnectorEvent('gift', heard[0]?.[1])).toMatchObject({
        common: { msgId: '7270201542891817761' },
        giftId: '5655',
        repeatCount: 1,
      });
      adapted.removeAllListeners();
      real.emit(WebcastEvent.GIFT, gift);
      expect(heard).toHaveLength(3);
    },
  );
});
