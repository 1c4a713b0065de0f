import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { restoreInto } from '../ledger/backup';
import { openLedger, schemaVersion, type LedgerDb, type OpenLedgerOptions } from '../ledger/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../ledger/migrations';

/**
 * JSON export and import of the whole ledger: every table, every row, every column, exactly.
 * Integers beyond 2^53 travel as `{"int":"digits"}` so nothing is rounded on the way.
 */

/** Identifies Gemlight ledger exports. */
export const EXPORT_FORMAT = 'gemlight-ledger';

type Cell = null | number | string | { int: string };

/** A ledger export. */
export interface LedgerExport {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  exportedAt: number;
  tables: Record<string, { columns: string[]; rows: Cell[][] }>;
}

const cellSchema = z.union([
  z.null(),
  z.number(),
  z.string(),
  z.strictObject({ int: z.string().regex(/^-?\d{1,20}$/) }),
]);
const exportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  schemaVersion: z.number().int(),
  exportedAt: z.number(),
  tables: z.record(
    z.string().regex(/^[a-z_]{1,64}$/),
    z.strictObject({
      columns: z.array(z.string().regex(/^[a-z_]{1,64}$/)),
      rows: z.array(z.array(cellSchema)),
    }),
  ),
});

/** Raised when an import file is not a ledger export this version can read. */
export class ImportError extends Error {}

function tableNames(db: LedgerDb): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((t) => t.name);
}

function columnsOf(db: LedgerDb, table: string): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)
    .all()
    .map((c) => c.name);
}

function encodeCell(value: unknown): Cell {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : { int: value.toString() };
  }
  throw new ImportError(`The ledger holds a value JSON cannot carry (${typeof value}).`);
}

const decodeCell = (cell: Cell): null | number | string | bigint =>
  cell !== null && typeof cell === 'object' ? BigInt(cell.int) : cell;

/** Reads the whole ledger into an export, in one read transaction (a consistent snapshot). */
export function exportLedger(db: LedgerDb, now = Date.now()): LedgerExport {
  const tables: LedgerExport['tables'] = {};
  db.transaction(() => {
    for (const table of tableNames(db)) {
      const columns = columnsOf(db, table);
      let rows: unknown[][];
      try {
        rows = db
          .prepare(`SELECT * FROM "${table}" ORDER BY rowid`)
          .raw(true)
          .safeIntegers(true)
          .all() as unknown[][];
      } catch {
        // WITHOUT ROWID tables have no rowid: they are read in primary-key order.
        rows = db
          .prepare(`SELECT * FROM "${table}"`)
          .raw(true)
          .safeIntegers(true)
          .all() as unknown[][];
      }
      tables[table] = { columns, rows: rows.map((r) => r.map(encodeCell)) };
    }
  })();
  return {
    format: EXPORT_FORMAT,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    exportedAt: now,
    tables,
  };
}

/** Parses and validates an export's JSON text. */
export function parseLedgerExport(text: string): LedgerExport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportError('The file is not JSON.');
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) throw new ImportError('The file is not a Gemlight ledger export.');
  return parsed.data;
}

/**
 * Replaces the ledger's contents with an export's, in one transaction. Its tables and columns must
 * match the ledger's schema version exactly; an export of an older version is loaded into a
 * ledger of that version, migrated, and then copied in.
 */
export function importLedger(
  db: LedgerDb,
  data: LedgerExport,
  options: Pick<OpenLedgerOptions, 'nativeBinding'> = {},
): { rows: number } {
  const version = schemaVersion(db);
  if (data.schemaVersion < 1 || data.schemaVersion > version) {
    throw new ImportError(
      `The export has schema version ${data.schemaVersion}; this Gemlight imports versions 1 to ${SCHEMA_VERSION}.`,
    );
  }
  if (data.schemaVersion < version) {
    const work = mkdtempSync(join(tmpdir(), 'gemlight-import-'));
    try {
      const file = join(work, 'ledger.db');
      const old = openLedger(file, {
        ...options,
        migrations: MIGRATIONS.filter((m) => m.version <= data.schemaVersion),
      });
      let imported: { rows: number };
      try {
        imported = importLedger(old, data, options);
      } finally {
        old.close();
      }
      // Restoring an older ledger file migrates a copy of it first.
      restoreInto(db, file, options);
      return imported;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const tables = tableNames(db);
  const given = Object.keys(data.tables).sort();
  if (given.join(',') !== tables.join(',')) {
    throw new ImportError('The export does not hold the same tables as this ledger.');
  }
  let count = 0;
  db.transaction(() => {
    db.pragma('defer_foreign_keys = ON');
    for (const table of tables) db.exec(`DELETE FROM "${table}"`);
    for (const table of tables) {
      const { columns, rows } = data.tables[table] ?? { columns: [], rows: [] };
      if (columns.join(',') !== columnsOf(db, table).join(',')) {
        throw new ImportError(`The columns of ${table} do not match this ledger.`);
      }
      const insert = db.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of rows) {
        if (row.length !== columns.length) {
          throw new ImportError(`A row of ${table} has the wrong number of values.`);
        }
        insert.run(...row.map(decodeCell));
        count += 1;
      }
    }
  })();
  return { rows: count };
}
