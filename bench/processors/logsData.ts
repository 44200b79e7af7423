/** Generated ALB access logs (gzip'd, as ALB delivers them) under bench/.data/, made once and reused. */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { DATA_DIR } from './data.js';

const PATHS = ['/', '/index.html', '/api/orders', '/api/orders/123', '/caf%C3%A9/menu', '/static/app.js', '/health'] as const;
const STATUSES = [200, 200, 200, 200, 304, 404, 500, 503] as const;

/** A deterministic ALB line of ~500 bytes; paths and clients have a long tail, like real traffic. */
export const albLine = (i: number): string => {
  const second = String(i % 60).padStart(2, '0');
  const path = i % 5 === 0 ? `/items/${i % 100_000}` : PATHS[i % PATHS.length];
  const client = i % 7 === 0 ? `[2001:db8::${(i % 65_536).toString(16)}]` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const status = STATUSES[i % STATUSES.length];
  return `https 2026-11-02T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second}.${String(i % 1_000_000).padStart(6, '0')}Z app/my-lb/50dc6c495c0c9188 ${client}:${1024 + (i % 60_000)} 10.0.0.1:80 0.000 0.${String(i % 1000).padStart(3, '0')} 0.000 ${status} ${status} ${200 + (i % 300)} ${1000 + (i % 9000)} "GET https://www.example.com:443${path}?page=${i % 10} HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64) bench/${i % 50}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-${i.toString(16).padStart(24, '0')}" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2026-11-02T10:00:00.000000Z "forward" "-" "-" "10.0.0.1:80" "${status}" "-" "-" TID_${i}\n`;
};

/** Path of a gzip'd ALB log of about `bytes` bytes uncompressed, generating it when missing. */
export const albLogGz = async (bytes: number): Promise<string> => {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `alb-${Math.round(bytes / 1024 ** 2)}MiB.log.gz`);
  if (existsSync(path)) return path;
  const gzip = createGzip({ level: 6 });
  const done = once(gzip.pipe(createWriteStream(`${path}.tmp`)), 'finish');
  let written = 0;
  let batch = '';
  for (let i = 1; written < bytes; i++) {
    const line = albLine(i);
    batch += line;
    written += line.length;
    if (batch.length >= 1024 ** 2) {
      if (!gzip.write(batch)) await once(gzip, 'drain');
      batch = '';
    }
  }
  gzip.end(batch);
  await done;
  renameSync(`${path}.tmp`, path);
  return path;
};
