import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { settingVariables } from '../../src/config/settings.js';

const documented = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => /^[A-Z0-9_]+=/.test(line))
  .map((line) => line.slice(0, line.indexOf('=')));

test.each(settingVariables)('.env.example documents %s', (variable) => {
  expect(documented).toContain(variable);
});

test('.env.example sets no values (no secrets, defaults live in settings.ts)', () => {
  const assigned = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=./.test(line));
  expect(assigned).toEqual([]);
});
