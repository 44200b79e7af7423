/** Generated benchmark inputs under bench/.data/ (git-ignored), made once and reused. */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = join(import.meta.dirname, '..', '.data');

const HEADER = 'order_id,customer_id,order_date,status,sku,quantity,unit_price,currency,shipped_at,note\n';
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled', 'refunded'] as const;

/** A deterministic orders row; every tenth has a quoted note with a comma and a quote. */
const orderRow = (i: number): string => {
  const day = String((i % 28) + 1).padStart(2, '0');
  const note = i % 10 === 0 ? `"gift wrap, ""fragile"" #${i}"` : i % 3 === 0 ? `leave at door ${i}` : '';
  const shipped = i % 2 === 0 ? `2026-10-${day}T12:34:56Z` : '';
  return `ORD-${i},CUST-${i % 50_000},2026-10-${day},${STATUSES[i % 5]},SKU-${i % 977},${(i % 9) + 1},${(i % 500) + 0.99},EUR,${shipped},${note}\n`;
};

/** A small deterministic PRNG (mulberry32), so the varied file is the same on every machine. */
const random = (seed: number): (() => number) => {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const WORDS = ['parcel', 'Grüße', 'naïve', '日本', 'café', 'door', '😀', 'fragile', 'ÆØÅ', 'Zürich', 'reçu', 'box', 'Ελλάδα', 'gift'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF', 'SEK'];

/**
 * A less repetitive orders row: ids and texts of varied lengths, unicode, quoting only when
 * needed (commas, quotes, newlines in notes), time zones other than Z now and then.
 */
const variedRow = (next: () => number): string => {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const words = (count: number): string => Array.from({ length: count }, () => pick(WORDS)).join(pick([' ', ', ', ' "', '" ', '\n']));
  const date = `${int(2019, 2027)}-${pad(int(1, 12))}-${pad(int(1, 28))}`;
  const shipped = pick(['', '', `${date}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}Z`, `${date}T08:15:00.250Z`, `${date}T10:00:00+02:00`]);
  const note = pick(['', '', '', words(int(1, 3)), words(int(4, 40))]);
  const quoted = /[",\n]/.test(note) ? `"${note.replaceAll('"', '""')}"` : note;
  const id = Math.floor(next() * 36 ** 6).toString(36);
  return [
    `${pick(['ORD', 'o', 'ORDER-2026'])}-${id.repeat(int(1, 4))}`,
    `${pick(['C', 'CUST', 'customer'])}-${int(1, 10 ** int(1, 9))}`,
    date,
    pick(['pending', 'paid', 'shipped', 'cancelled', 'refunded']),
    `SKU-${int(1, 99_999)}${pick(['', '-XL', '-blue', '/2'])}`,
    String(int(1, 1000)),
    `${int(0, 20_000)}${pick(['', '.5', '.99', '.1234', '.00'])}`,
    pick(CURRENCIES),
    shipped,
    quoted,
  ].join(',');
};

/** A varied orders CSV of about `bytes` bytes, in memory (also used by the equivalence test). */
export const variedOrdersCsv = (bytes: number, seed = 11): string => {
  const next = random(seed);
  const rows = [HEADER];
  let length = HEADER.length;
  while (length < bytes) {
    const row = `${variedRow(next)}\n`;
    rows.push(row);
    length += row.length;
  }
  return rows.join('');
};

const writeCsv = async (path: string, bytes: number, rows: (i: number) => string): Promise<string> => {
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  const out = createWriteStream(`${path}.tmp`);
  let written = 0;
  let batch = HEADER;
  for (let i = 1; written < bytes; i++) {
    batch += rows(i);
    if (batch.length >= 1024 ** 2) {
      written += batch.length;
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  renameSync(`${path}.tmp`, path);
  return path;
};

/** Path of an orders CSV of about `bytes` bytes, generating it when missing. */
export const ordersCsv = async (bytes: number): Promise<string> => {
  mkdirSync(DATA_DIR, { recursive: true });
  return writeCsv(join(DATA_DIR, `orders-${Math.round(bytes / 1024 ** 2)}MiB.csv`), bytes, orderRow);
};

/** Path of a varied orders CSV (see `variedRow`) of about `bytes` bytes, generating it when missing. */
export const variedCsv = async (bytes: number): Promise<string> => {
  mkdirSync(DATA_DIR, { recursive: true });
  const next = random(11);
  return writeCsv(join(DATA_DIR, `orders-varied-${Math.round(bytes / 1024 ** 2)}MiB.csv`), bytes, () => `${variedRow(next)}\n`);
};
