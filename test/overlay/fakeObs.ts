import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A stand-in for OBS's WebSocket server (obs-websocket v5 protocol: Hello, Identify with the
 * challenge/salt password scheme, Request/RequestResponse), so the bridge is tested through the
 * real obs-websocket-js client. It keeps a tiny model of scenes and inputs.
 */

/** One input OBS knows. */
export interface FakeInput {
  kind: string;
  settings: Record<string, unknown>;
}

/** The fake's state, for assertions. */
export interface FakeObs {
  url: string;
  scenes: Map<string, string[]>;
  inputs: Map<string, FakeInput>;
  requests: { type: string; data: Record<string, unknown> }[];
  refreshed: string[];
  stop(): Promise<void>;
}

const sha256b64 = (text: string): string => createHash('sha256').update(text).digest('base64');

/** Starts the fake OBS on a free port with an optional password. */
export async function startFakeObs(password?: string): Promise<FakeObs> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const { port } = wss.address() as AddressInfo;
  const scenes = new Map<string, string[]>([['Gameplay', ['PS5 capture']]]);
  const inputs = new Map<string, FakeInput>([
    ['PS5 capture', { kind: 'av_capture_input', settings: {} }],
  ]);
  const requests: FakeObs['requests'] = [];
  const refreshed: string[] = [];

  const handle = (type: string, data: Record<string, unknown>): [number, unknown] => {
    requests.push({ type, data });
    switch (type) {
      case 'GetCurrentProgramScene':
        return [100, { currentProgramSceneName: 'Gameplay', sceneName: 'Gameplay' }];
      case 'GetVideoSettings':
        return [100, { baseWidth: 1080, baseHeight: 1920, outputWidth: 1080, outputHeight: 1920 }];
      case 'CreateInput': {
        const name = String(data.inputName);
        if (inputs.has(name)) return [601, null];
        inputs.set(name, {
          kind: String(data.inputKind),
          settings: data.inputSettings as Record<string, unknown>,
        });
        scenes.get(String(data.sceneName))?.push(name);
        return [100, { inputUuid: randomBytes(8).toString('hex'), sceneItemId: inputs.size }];
      }
      case 'SetInputSettings': {
        const input = inputs.get(String(data.inputName));
        if (!input) return [600, null];
        input.settings = { ...input.settings, ...(data.inputSettings as Record<string, unknown>) };
        return [100, null];
      }
      case 'GetSceneItemId': {
        const items = scenes.get(String(data.sceneName)) ?? [];
        return items.includes(String(data.sourceName)) ? [100, { sceneItemId: 1 }] : [600, null];
      }
      case 'CreateSceneItem':
        scenes.get(String(data.sceneName))?.push(String(data.sourceName));
        return [100, { sceneItemId: 9 }];
      case 'GetInputList':
        return [
          100,
          {
            inputs: [...inputs]
              .filter(([, i]) => !data.inputKind || i.kind === data.inputKind)
              .map(([inputName, i]) => ({
                inputName,
                inputKind: i.kind,
                unversionedInputKind: i.kind,
              })),
          },
        ];
      case 'PressInputPropertiesButton': {
        const name = String(data.inputName);
        if (!inputs.has(name)) return [600, null];
        refreshed.push(name);
        return [100, null];
      }
      default:
        return [204, null];
    }
  };

  wss.on('connection', (ws: WebSocket) => {
    const salt = randomBytes(8).toString('base64');
    const challenge = randomBytes(8).toString('base64');
    ws.send(
      JSON.stringify({
        op: 0,
        d: {
          obsWebSocketVersion: '5.5.4',
          rpcVersion: 1,
          ...(password ? { authentication: { salt, challenge } } : {}),
        },
      }),
    );
    ws.on('message', (raw: Buffer) => {
      const msg = JSON.parse(raw.toString('utf8')) as { op: number; d: Record<string, unknown> };
      if (msg.op === 1) {
        if (password) {
          const expected = sha256b64(sha256b64(password + salt) + challenge);
          if (msg.d.authentication !== expected) {
            ws.close(4009, 'Authentication failed.');
            return;
          }
        }
        ws.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
        return;
      }
      if (msg.op === 6) {
        const type = String(msg.d.requestType);
        const [code, responseData] = handle(
          type,
          (msg.d.requestData ?? {}) as Record<string, unknown>,
        );
        ws.send(
          JSON.stringify({
            op: 7,
            d: {
              requestType: type,
              requestId: msg.d.requestId,
              requestStatus: {
                result: code === 100,
                code,
                ...(code === 100 ? {} : { comment: `code ${code}` }),
              },
              ...(responseData ? { responseData } : {}),
            },
          }),
        );
      }
    });
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    scenes,
    inputs,
    requests,
    refreshed,
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
