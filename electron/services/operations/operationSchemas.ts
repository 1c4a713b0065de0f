import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** Input schemas of the operations.* commands (spread into COMMAND_SCHEMAS). */
export const OPERATION_COMMAND_SCHEMAS = {
  'operations.status': z.strictObject({}),
  'operations.rebuild': z.strictObject({}),
  'operations.import': z.strictObject({
    file: z
      .string()
      .min(1)
      .max(1000)
      .refine((f) => isAbsolute(f) && /\.json$/i.test(f) && !f.includes('\0'), {
        message: 'the full path of a .json export (e.g. C:\\Users\\me\\gemlight-export.json)',
      }),
  }),
} as const;
