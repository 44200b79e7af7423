/**
 * `sls files:upload <paths…> [--to <key prefix>] [--wait]`: multipart uploads into the inbox with
 * a progress line; with `--wait`, each file's outcome as it lands (exit codes as files:status).
 * Without `--to`, a file goes under the one route whose suffix matches its name.
 */
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { INBOX, routes } from '../../src/config/routes.js';
import { createProgress, formatBytes } from '../progress.js';
import { queueDepth } from '../queues.js';
import type { Stage } from '../stage.js';
import { EXIT_CODES, type FileStatus, describeStatus, statusOf } from './status.js';

const listOf = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

/**
 * Where `file` goes: under `to` (a prefix ending in '/', or the full key of a single file), or
 * under the route whose suffix matches the file name.
 * @example keyFor('data/day.csv', undefined, 1) // 'incoming/orders/day.csv'
 */
export const keyFor = (file: string, to: string | undefined, fileCount: number): string => {
  const name = path.basename(file);
  let key: string;
  if (to !== undefined) {
    if (!to.endsWith('/') && fileCount > 1) throw new RangeError(`--to: with several files it must be a prefix ending in '/', '${to}' given`);
    key = to.endsWith('/') ? `${to}${name}` : to;
  } else {
    // The longest matching suffix wins: 'day.csv.gz' is CSV ('.csv.gz'), not a log ('.gz').
    const matchLength = (suffixes: readonly string[]) =>
      Math.max(0, ...suffixes.filter((suffix) => name.toLowerCase().endsWith(suffix)).map((suffix) => suffix.length));
    const best = Math.max(...routes.map((route) => matchLength(route.suffixes)));
    const candidates = best === 0 ? [] : routes.filter((route) => matchLength(route.suffixes) === best);
    if (candidates.length !== 1) {
      const known = routes.map((route) => route.prefix).join(', ');
      throw new RangeError(`${name}: no single route takes this file name; say where with --to (one of ${known})`);
    }
    key = `${candidates[0]?.prefix}${name}`;
  }
  if (!key.startsWith(INBOX)) throw new RangeError(`--to: must be under ${INBOX} (only uploads there are processed), '${key}' given`);
  return key;
};

const parseTimeout = (raw: unknown): number => {
  const seconds = raw === undefined ? 300 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`--timeout: must be a positive number of seconds, '${String(raw)}' given`);
  return seconds * 1000;
};

interface Uploaded {
  readonly key: string;
  readonly versionId: string | undefined;
}

const uploadOne = async (stage: Stage, file: string, key: string): Promise<Uploaded> => {
  const { size } = await stat(file);
  const progress = createProgress();
  const upload = new Upload({ client: stage.s3, params: { Bucket: stage.outputs.UploadBucketName, Key: key, Body: createReadStream(file) } });
  upload.on('httpUploadProgress', ({ loaded = 0 }) =>
    progress.update(`uploading ${file}: ${size === 0 ? 100 : Math.floor((100 * loaded) / size)}% (${formatBytes(loaded)} of ${formatBytes(size)})`),
  );
  const result = await upload.done();
  const versionId = 'VersionId' in result ? result.VersionId : undefined;
  progress.done(`↑ ${file} → s3://${stage.outputs.UploadBucketName}/${key} (${formatBytes(size)})`);
  return { key, versionId };
};

/** Polls each upload's status until it is no longer pending, printing each as it lands. */
const waitForOutcomes = async (stage: Stage, uploads: readonly Uploaded[], timeoutMs: number): Promise<FileStatus[]> => {
  const outcomes = new Map<Uploaded, FileStatus>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Peek into the DLQ only when something is there: a peek costs receives.
    const checkDlq = (await queueDepth(stage.sqs, stage.outputs.DeadLetterQueueUrl)).visible > 0;
    for (const upload of uploads) {
      if (outcomes.has(upload)) continue;
      const status = await statusOf(stage, upload.key, { version: upload.versionId, checkDlq });
      if (status.state === 'pending' && Date.now() < deadline) continue;
      outcomes.set(upload, status);
      for (const line of describeStatus(upload.key, status)) console.log(line);
    }
    if (outcomes.size === uploads.length) return [...outcomes.values()];
    await sleep(1_000);
  }
};

/** Where each named file goes; throws for no file, a missing file, a bad --to or --timeout. */
export const checkUploadArguments = async (options: Readonly<Record<string, unknown>>): Promise<{ file: string; key: string }[]> => {
  const files = listOf(options.path);
  if (files.length === 0) throw new RangeError('files:upload: name at least one file, e.g. sls files:upload samples/orders.csv');
  if (options.wait === true) parseTimeout(options.timeout);
  for (const file of files) {
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile() !== true) throw new RangeError(`${file}: no such file`);
  }
  const to = options.to === undefined ? undefined : String(options.to);
  return files.map((file) => ({ file, key: keyFor(file, to, files.length) }));
};

export const uploadFiles = async (stage: Stage, options: Readonly<Record<string, unknown>>): Promise<number> => {
  const planned = await checkUploadArguments(options);
  const uploads: Uploaded[] = [];
  for (const { file, key } of planned) uploads.push(await uploadOne(stage, file, key));
  if (options.wait !== true) return 0;
  const outcomes = await waitForOutcomes(stage, uploads, parseTimeout(options.timeout));
  return Math.max(...outcomes.map((status) => EXIT_CODES[status.state]));
};
