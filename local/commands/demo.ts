/**
 * `npm run demo`: the whole pipeline on this machine. Brings up LocalStack and the `local`
 * stage, runs the local loop (the worker through `sls offline`), uploads the files in samples/,
 * and shows each file's outcome and where its result is (also copied to ./demo-output/, with the
 * worker's own log in ./demo-output/worker.log). Stops what it started; Ctrl-C too.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { bringUpLocalStage } from '../bringUp.js';
import { interruptListener } from '../interrupts.js';
import type { StackOutputs } from '../stack.js';
import { runWorkerLoop } from '../workerLoop.js';

const SAMPLES = [
  { file: 'samples/orders.csv', key: 'incoming/orders/demo/orders 2026-11.csv', type: 'text/csv' },
  // A camera's upper-case suffix: routed all the same (suffixes match in any case).
  { file: 'samples/photo.jpg', key: 'incoming/images/demo/IMG_0001.JPG', type: 'image/jpeg' },
  { file: 'samples/not-really-an-image.png', key: 'incoming/images/demo/not-really-an-image.png', type: 'image/png' },
  // In the inbox but no route takes it: rejected, with the routes it missed, never silently dropped.
  { file: 'samples/orders.csv', key: 'incoming/unsorted/demo/orders.txt', type: 'text/plain' },
] as const;
const WAIT_MS = 120_000;
const OUTPUT_DIR = 'demo-output';
const WORKER_LOG = path.join(OUTPUT_DIR, 'worker.log');

const say = (line: string) => console.log(line);
const step = (line: string) => console.log(`\n▶ ${line}`);

const controller = new AbortController();
// A second Ctrl-C exits at once; the exit handlers still stop sls offline and the LocalStack started here.
const onInterrupt = interruptListener({ onFirst: () => controller.abort(), onSecond: () => process.exit(130) });
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);

const upload = async (s3: S3Client, outputs: StackOutputs) => {
  const uploaded = [];
  for (const sample of SAMPLES) {
    const body = await readFile(sample.file);
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: outputs.UploadBucketName, Key: sample.key, Body: body, ContentType: sample.type }));
    say(`  ↑ ${sample.file} → s3://${outputs.UploadBucketName}/${sample.key} (${body.length} bytes, version ${VersionId})`);
    uploaded.push({ ...sample, versionId: VersionId });
  }
  return uploaded;
};

/** The manifest for exactly this upload (same version), once the worker has written it. */
const manifestFor = async (s3: S3Client, bucket: string, key: string, versionId: string | undefined): Promise<Manifest | undefined> => {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `manifests/${key}.json` }));
    const manifest = JSON.parse((await response.Body?.transformToString()) ?? '{}') as Manifest;
    return manifest.source.versionId === versionId ? manifest : undefined;
  } catch {
    return undefined;
  }
};

const show = async (s3: S3Client, bucket: string, manifest: Manifest) => {
  const counts = Object.entries(manifest.counts)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const mark = manifest.status === 'processed' ? '✔' : '✖';
  say(`  ${mark} ${manifest.source.key}: ${manifest.status}${counts === '' ? '' : ` (${counts})`}`);
  if (manifest.reason !== undefined) say(`      reason: ${manifest.reason}`);
  say(`      manifest: s3://${bucket}/manifests/${manifest.source.key}.json`);
  for (const output of manifest.outputs) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: output.key }));
    const body = Buffer.from((await Body?.transformToByteArray()) ?? []);
    const local = path.join(OUTPUT_DIR, output.key);
    await mkdir(path.dirname(local), { recursive: true });
    await writeFile(local, body);
    say(`      output:   s3://${bucket}/${output.key} (${output.bytes} bytes) → ./${local}`);
    if (output.key.endsWith('.ndjson.gz'))
      for (const line of gunzipSync(body).toString().split('\n').slice(0, 2)) if (line !== '') say(`                ${line}`);
  }
};

const waitForResults = async (s3: S3Client, outputs: StackOutputs, uploaded: Awaited<ReturnType<typeof upload>>) => {
  const pending = new Map(uploaded.map((item) => [item.key, item]));
  const deadline = Date.now() + WAIT_MS;
  while (pending.size > 0 && Date.now() < deadline && !controller.signal.aborted) {
    for (const item of pending.values()) {
      const manifest = await manifestFor(s3, outputs.ResultsBucketName, item.key, item.versionId);
      if (manifest === undefined) continue;
      pending.delete(item.key);
      await show(s3, outputs.ResultsBucketName, manifest);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const item of pending.values()) say(`  … ${item.key}: no result within ${WAIT_MS / 1000} s (see \`npm run dlq:list -- --stage local\`)`);
  return pending.size === 0;
};

step('file-processor demo: upload → S3 notification → SQS → worker → results, all on this machine');
const stage = await bringUpLocalStage({ say, signal: controller.signal });
let ok = false;
try {
  // The worker's JSON logs and metrics are for machines: they go to a file, the demo shows outcomes.
  await mkdir(OUTPUT_DIR, { recursive: true });
  await writeFile(WORKER_LOG, '');
  let ready: () => void = () => undefined;
  const polling = new Promise<void>((resolve) => (ready = resolve));
  say(`  starting the worker with sls offline (its log: ./${WORKER_LOG})…`);
  const worker = runWorkerLoop({
    signal: controller.signal,
    offlineOutput: { file: WORKER_LOG },
    onReady: (description) => {
      say(`  worker ${description}`);
      ready();
    },
  });
  await Promise.race([polling, worker.then(() => Promise.reject(new Error('the worker stopped before it was ready')))]);
  const s3 = new S3Client({});
  step(`uploading ${SAMPLES.length} files`);
  const uploaded = await upload(s3, stage.outputs);
  step(`waiting for their results in s3://${stage.outputs.ResultsBucketName}/`);
  ok = await waitForResults(s3, stage.outputs, uploaded);
  step(ok ? `done: results copied to ./${OUTPUT_DIR}/. Keep it running with \`npm start\`.` : 'not every file got a result');
  controller.abort();
  await worker;
} finally {
  await stage.stop();
}
process.exitCode = ok ? 0 : 1;
