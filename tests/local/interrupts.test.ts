import { describe, expect, test } from 'vitest';
import { SAME_PRESS_MS, interruptListener } from '../../local/interrupts.js';

/** Feeds signals at the given times (ms) and returns what each handler saw. */
const presses = (times: readonly number[]) => {
  const seen: string[] = [];
  let clock = 0;
  const listener = interruptListener({ onFirst: () => seen.push('first'), onSecond: () => seen.push('second'), now: () => clock });
  for (const at of times) {
    clock = at;
    listener();
  }
  return seen;
};

describe('interruptListener: one press may arrive as several SIGINTs', () => {
  test.each([
    { name: 'one SIGINT stops gracefully', times: [0], expected: ['first'] },
    { name: 'the terminal, npm and the tsx CLI (30 ms later) relaying one press', times: [0, 1, 30, 60], expected: ['first'] },
    { name: 'a second press after the window exits at once', times: [0, 30, SAME_PRESS_MS + 100], expected: ['first', 'second'] },
    { name: 'a second press relayed several times exits once', times: [0, 1000, 1001, 1030], expected: ['first', 'second'] },
  ])('$name', ({ times, expected }) => {
    expect(presses(times)).toEqual(expected);
  });
});
