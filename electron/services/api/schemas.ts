import { z } from 'zod';
import type { CommandName } from '../../../shared/api';
import { settingsPatchSchema } from '../config/settings';
import { MEDIA_COMMAND_SCHEMAS } from '../media/mediaSchemas';
import { OBS_COMMAND_SCHEMAS } from '../obs/obsSchemas';
import { OPERATION_COMMAND_SCHEMAS } from '../operations/operationSchemas';

/** An integer that may arrive as a JSON number or (in a query string) as digits. */
const int = z.union([
  z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^-?\d{1,16}$/)
    .transform(Number),
]);
const time = int.pipe(z.number().min(0));
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const empty = z.strictObject({});
const id = z.string().min(1).max(128);
const decimal = z
  .string()
  .max(80)
  .regex(
    /^(\d{1,30}(\.\d{1,30})?|\d{1,40}\/\d{1,40})$/,
    'an exact number such as "0.005" or "1/200"',
  );

const ratesDto = z.strictObject({
  effectiveFrom: time,
  diamondsPerCoin: decimal,
  usdPerDiamond: decimal,
  creatorSharePercent: decimal,
  agencyCutPercent: decimal,
  payoutFeePercent: decimal,
  payoutFeeFixedMinor: int.pipe(z.number().min(0)),
  usdToLocal: decimal,
});

/** Input schema of every command (query string or JSON body, or an IPC argument). */
export const COMMAND_SCHEMAS: { [K in CommandName]: z.ZodType } = {
  'health.get': empty,
  'live.snapshot': empty,
  'sessions.list': z.strictObject({
    cursor: z
      .string()
      .regex(/^\d{1,9}$/)
      .optional(),
    limit: int.pipe(z.number().min(1).max(500)).optional(),
    from: time.optional(),
    to: time.optional(),
    sort: z
      .enum(['startedAt', 'coins', 'diamonds', 'giftCount', 'gifterCount', 'duration'])
      .optional(),
    order: z.enum(['asc', 'desc']).optional(),
    includeSimulated: bool.optional(),
  }),
  'sessions.current': empty,
  'sessions.get': z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'a session id') }),
  'sessions.start': empty,
  'sessions.end': empty,
  'summary.get': z.strictObject({ from: time.optional(), to: time.optional() }),
  'gifters.top': z.strictObject({
    period: z.enum(['session', 'day', 'week', 'month', 'all']),
    limit: int.pipe(z.number().min(1).max(500)).optional(),
    at: time.optional(),
  }),
  'gifters.get': z.strictObject({ userId: id }),
  'settings.get': empty,
  'settings.update': settingsPatchSchema,
  'rates.list': empty,
  'rates.add': ratesDto,
  'goal.get': empty,
  'goal.set': z.strictObject({
    label: z.string().max(100),
    kind: z.enum(['diamonds', 'cash']),
    target: int.pipe(z.number().min(1)),
    rollover: z.boolean(),
  }),
  'withdrawals.list': empty,
  'withdrawals.add': z.strictObject({
    time: time,
    diamonds: int.pipe(z.number().min(0)),
    receivedMinor: int.pipe(z.number().min(0)),
    feeMinor: int.pipe(z.number().min(0)),
  }),
  'withdrawals.delete': z.strictObject({ id }),
  'payout.status': empty,
  'sources.list': empty,
  'simulator.start': z.strictObject({
    rate: z.number().min(0.1).max(500).optional(),
    storm: z.boolean().optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
  }),
  'simulator.stop': empty,
  'overlay.info': empty,
  'overlay.testAlert': z.strictObject({
    giftId: int.pipe(z.number().min(0)).optional(),
    count: int.pipe(z.number().min(1).max(10_000)).optional(),
    name: z.string().max(100).optional(),
  }),
  'backup.now': empty,
  'backup.list': empty,
  'backup.restore': z.strictObject({ file: z.string().min(1).max(200) }),
  'app.info': empty,
  'sessions.replay': z.strictObject({
    id: z.string().regex(/^\d{1,15}$/, 'a session id'),
    speed: z.number().min(1).max(20).optional(),
  }),
  ...OBS_COMMAND_SCHEMAS,
  ...MEDIA_COMMAND_SCHEMAS,
  ...OPERATION_COMMAND_SCHEMAS,
};

/** The first problem of a failed parse, as one sentence. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The request is not valid.';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'request';
  return `${path}: ${issue.message}`;
}
