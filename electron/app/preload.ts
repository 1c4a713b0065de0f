import { contextBridge, ipcRenderer } from 'electron';
import type { CommandName, ParamsOf, ResultOf } from '../../shared/api';
import type { LiveMessage } from '../../shared/liveState';
import { IPC_CHANNELS, type GemlightBridge, type IpcReply } from './bridge-types';

/*
 * The dashboard's only door to the main process. Sandboxed and context-isolated: it exposes one
 * object, forwards commands as data and hands back results or `{code, message}` errors. It holds
 * no token and never gives the page `ipcRenderer` itself.
 */

const liveListeners = new Set<(message: LiveMessage) => void>();

ipcRenderer.on(IPC_CHANNELS.live, (_event, message: LiveMessage) => {
  for (const listener of liveListeners) listener(message);
});

const bridge = {
  async invoke<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> {
    const reply = (await ipcRenderer.invoke(IPC_CHANNELS.invoke, { name, params })) as IpcReply<
      ResultOf<K>
    >;
    if (reply.ok) return reply.value;
    // A plain {code, message} crosses the context bridge intact; an Error would lose its code.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw { code: reply.error.code, message: reply.error.message };
  },
  onLive(listener: (message: LiveMessage) => void): () => void {
    liveListeners.add(listener);
    // Every new listener asks for a fresh snapshot, so it starts from a full state.
    ipcRenderer.send(IPC_CHANNELS.liveSubscribe, true);
    return () => {
      liveListeners.delete(listener);
      if (liveListeners.size === 0) ipcRenderer.send(IPC_CHANNELS.liveSubscribe, false);
    };
  },
} satisfies GemlightBridge;

contextBridge.exposeInMainWorld('gemlight', bridge);
