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

/** Path of an orders CSV of about `bytes` bytes, generating it when missing. */
export const ordersCsv = async (bytes: number): Promise<string> => {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `orders-${Math.round(bytes / 1024 ** 2)}MiB.csv`);
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  const out = createWriteStream(`${path}.tmp`);
  let written = 0;
  let batch = HEADER;
  for (let i = 1; written < bytes; i++) {
    batch += orderRow(i);
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
