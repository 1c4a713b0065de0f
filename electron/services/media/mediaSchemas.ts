import { z } from 'zod';

/**
 * A bound on the text only (as the HTTP body limit); the decoded size is the store's to judge, so
 * an oversized file is answered `too_large` rather than as a malformed request.
 */
const MAX_BASE64 = 4 * 1024 * 1024;

/** Input schemas of the sounds.* commands (spread into COMMAND_SCHEMAS). */
export const MEDIA_COMMAND_SCHEMAS = {
  'sounds.list': z.strictObject({}),
  'sounds.upload': z.strictObject({
    fileName: z.string().max(255),
    dataBase64: z
      .string()
      .min(1, 'the file is empty')
      .max(MAX_BASE64, 'the sound file is far larger than 2 MiB')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  }),
  'sounds.delete': z.strictObject({ name: z.string().min(1).max(100) }),
} as const;
