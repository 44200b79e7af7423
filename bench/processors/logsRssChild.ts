/**
 * Child process for the access-logs memory benchmark: runs the processor on one .gz log and
 * prints its peak RSS, so each file size is measured in a fresh process.
 *   node --import tsx bench/processors/logsRssChild.ts <file.log.gz>
 */
import { createReadStream } from 'node:fs';
import accessLogs from '../../src/processors/accessLogs.js';
import { DiscardSink } from './discardSink.js';
import { peakRssOfThisProcess } from './peakRssOfThisProcess.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: logsRssChild.ts <file.log.gz>');
const source = { bucket: 'bench', key: path, size: 0, sequencer: '0' };
const summary = await accessLogs.process(
  createReadStream(path),
  { source, options: { format: 'alb' }, signal: new AbortController().signal },
  new DiscardSink(),
);
console.log(JSON.stringify({ rows: summary.counts.linesIn, maxRssBytes: peakRssOfThisProcess() }));
