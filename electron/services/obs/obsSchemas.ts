import { z } from 'zod';
import { OBS_WIDGETS } from './obsBridge';

const widgetList = z.array(z.enum(OBS_WIDGETS)).min(1).max(OBS_WIDGETS.length);

/** Input schemas of the obs.* commands (spread into COMMAND_SCHEMAS). */
export const OBS_COMMAND_SCHEMAS = {
  'obs.status': z.strictObject({}),
  'obs.test': z.strictObject({
    url: z.string().min(1).max(300).optional(),
    password: z.string().max(300).optional(),
  }),
  'obs.addWidgets': z.strictObject({
    widgets: widgetList,
    // The builder's theme parameters; the key is always set by the server.
    query: z.string().max(4000).optional(),
  }),
  'obs.refresh': z.strictObject({ widgets: widgetList.optional() }),
} as const;
