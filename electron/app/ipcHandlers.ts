import { z } from 'zod';
import {
  HTTP_ROUTES,
  type ApiError,
  type CommandName,
  type ParamsOf,
  type ResultOf,
} from '../../shared/api';
import type { ErrorCode } from '../../shared/result';
import type { IpcReply } from './bridge-types';

/*
 * The main-process side of `window.gemlight.invoke`, as plain functions: no Electron import, so the
 * tests drive it with a fake server. Everything that arrives over IPC is untrusted data.
 */

/** The part of GemlightServer the IPC layer needs. */
export interface CommandRunner {
  call<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>>;
}

/** Largest accepted params object, as JSON. Settings and rates are far below this. */
export const MAX_IPC_PARAMS_BYTES = 64 * 1024;

const COMMAND_NAMES = Object.keys(HTTP_ROUTES) as [CommandName, ...CommandName[]];

/** The envelope the preload sends: a known command name and a params object. */
export const InvokeRequestSchema = z
  .object({
    name: z.enum(COMMAND_NAMES),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_json',
  'invalid_event',
  'unknown_gift',
  'too_large',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'not_found',
  'no_session',
  'invalid_request',
  'conflict',
  'storage_full',
  'internal',
]);

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && ERROR_CODES.has(code);

/**
 * Turns whatever a command threw into a client-safe `{code, message}`. Domain errors keep their
 * code and sentence; anything else (a bug, a driver error) becomes `internal` with no details.
 */
export function toApiError(thrown: unknown): ApiError {
  if (typeof thrown === 'object' && thrown !== null) {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && typeof message === 'string' && code !== 'internal') {
      return { code, message };
    }
  }
  return { code: 'internal', message: 'Something went wrong inside Gemlight; see the app log.' };
}

/** Whether an IPC message comes from a page of the app's own origin (the served dashboard). */
export function isTrustedSender(senderUrl: string | undefined, appOrigin: string): boolean {
  if (!senderUrl) return false;
  try {
    return new URL(senderUrl).origin === appOrigin;
  } catch {
    return false;
  }
}

/** Copies params through JSON: only plain JSON data reaches the services, within a size limit. */
function plainParams(
  params: Record<string, unknown> | undefined,
): IpcReply<Record<string, unknown>> {
  let json: string;
  try {
    json = JSON.stringify(params ?? {});
  } catch {
    return { ok: false, error: { code: 'invalid_request', message: 'Params must be JSON data.' } };
  }
  if (json.length > MAX_IPC_PARAMS_BYTES) {
    return { ok: false, error: { code: 'too_large', message: 'Params are too large.' } };
  }
  return { ok: true, value: JSON.parse(json) as Record<string, unknown> };
}

/** Handles one `gemlight:invoke` message: `(sender URL, raw payload) → IpcReply`. */
export type InvokeHandler = (senderUrl: string | undefined, raw: unknown) => Promise<IpcReply>;

/**
 * Builds the invoke handler: checks the sender's origin, validates the envelope, runs the command
 * in-process (the services validate each command's params as they do for HTTP) and answers data.
 */
export function createInvokeHandler(
  server: CommandRunner,
  appOrigin: string,
  log: (line: string) => void = () => {},
): InvokeHandler {
  return async (senderUrl, raw) => {
    if (!isTrustedSender(senderUrl, appOrigin)) {
      return {
        ok: false,
        error: { code: 'forbidden', message: 'This page may not call Gemlight.' },
      };
    }
    const request = InvokeRequestSchema.safeParse(raw);
    if (!request.success) {
      const issue = request.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      return {
        ok: false,
        error: { code: 'invalid_request', message: `Invalid command request${where}.` },
      };
    }
    const params = plainParams(request.data.params);
    if (!params.ok) return params;
    const name = request.data.name;
    try {
      // The envelope is checked here; the command's own params are checked by the services.
      const value = await server.call(name, params.value);
      return { ok: true, value };
    } catch (thrown) {
      const error = toApiError(thrown);
      if (error.code === 'internal') {
        log(
          `IPC ${name} failed: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
        );
      }
      return { ok: false, error };
    }
  };
}
