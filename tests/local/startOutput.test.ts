import { describe, expect, test } from 'vitest';
import type { FileOutcome } from '../../local/fileOutcomes.js';
import { startOutput } from '../../local/startOutput.js';

const processed: FileOutcome = { status: 'processed', key: 'incoming/orders/a.csv', counts: { rowsIn: 3 }, durationMs: 5 };
const rejected: FileOutcome = { status: 'rejected', key: 'incoming/x.txt', counts: {}, reason: 'no route', durationMs: 1 };
const depths = { backlog: 4, inFlight: 2, dlq: 1 };

/** A stream that records what was written; `clock` drives the plain output's pacing. */
const capture = (isTTY: boolean) => {
  const written: string[] = [];
  const clock = { now: 0 };
  const stream = { isTTY, write: (chunk: string) => written.push(chunk) > 0 };
  return { written, clock, stream, text: () => written.join('') };
};

describe('startOutput', () => {
  test('on a terminal the status line is redrawn in place, below each file line, and only when it changed', () => {
    const { stream, written, text } = capture(true);
    const output = startOutput({ json: false, stream });
    output.status(depths);
    output.status(depths);
    output.file(processed);
    output.close();
    expect(written.filter((chunk) => chunk.includes('backlog'))).toEqual([
      '\r\u001b[2Kbacklog 4 · in flight 2 · done 0 (✔ 0 ✖ 0) · DLQ 1',
      'backlog 4 · in flight 2 · done 0 (✔ 0 ✖ 0) · DLQ 1',
      '\r\u001b[2Kbacklog 4 · in flight 2 · done 1 (✔ 1 ✖ 0) · DLQ 1',
    ]);
    expect(text()).toContain('\r\u001b[2K✔ incoming/orders/a.csv: processed (rowsIn 3)\n');
    expect(text().endsWith('DLQ 1\n')).toBe(true);
  });

  test('not on a terminal: plain lines, the status at most every plainEveryMs and only when it changed', () => {
    const { stream, clock, text } = capture(false);
    const output = startOutput({ json: false, stream, plainEveryMs: 10_000, now: () => clock.now });
    output.status(depths);
    clock.now = 5_000;
    output.file(rejected);
    clock.now = 11_000;
    output.status(depths);
    clock.now = 30_000;
    output.status(depths);
    expect(text()).toBe(
      [
        'backlog 4 · in flight 2 · done 0 (✔ 0 ✖ 0) · DLQ 1',
        '✖ incoming/x.txt: rejected: no route',
        'backlog 4 · in flight 2 · done 1 (✔ 0 ✖ 1) · DLQ 1',
        '',
      ].join('\n'),
    );
    expect(text()).not.toContain('\u001b');
  });

  test('--json: one JSON object per line, also on a terminal', () => {
    const { stream, text } = capture(true);
    const output = startOutput({ json: true, stream });
    output.info('stopping…', { event: 'stopping' });
    output.status(depths);
    output.file(processed);
    output.close();
    expect(
      text()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { type: 'info', message: 'stopping…', event: 'stopping' },
      { type: 'status', ...depths, processed: 0, rejected: 0 },
      { type: 'file', ...processed },
      { type: 'status', ...depths, processed: 1, rejected: 0 },
    ]);
  });
});
