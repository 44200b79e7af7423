/**
 * Child process for the memory benchmark: runs csv-to-ndjson on one file and prints its
 * peak RSS, so each file size is measured in a fresh process.
 *   node --import tsx bench/processors/rssChild.ts <file.csv>
 */
import { createReadStream, statSync } from 'node:fs';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { DiscardSink } from './discardSink.js';
import { peakRssOfThisProcess } from './peakRssOfThisProcess.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: rssChild.ts <file.csv>');
const source = { bucket: 'bench', key: path, size: statSync(path).size, sequencer: '0' };
const summary = await csvToNdjson.process(
  createReadStream(path),
  { source, options: { schema: 'orders' }, signal: new AbortController().signal },
  new DiscardSink(),
);
console.log(JSON.stringify({ rows: summary.counts.rowsIn, maxRssBytes: peakRssOfThisProcess() }));
