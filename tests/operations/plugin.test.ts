import { describe, expect, test } from 'vitest';
import { COMMANDS, withPositionalOptions } from '../../operations/plugin.js';

describe('withPositionalOptions', () => {
  test('turns the key of files:status into --key, keeping the options after it', () => {
    expect(withPositionalOptions(['files:status', 'incoming/a b.csv', '--stage', 'local'])).toEqual([
      'files:status',
      '--key',
      'incoming/a b.csv',
      '--stage',
      'local',
    ]);
  });

  test('turns every path of files:upload into --path', () => {
    expect(withPositionalOptions(['files:upload', 'a.csv', 'b.jpg', '--wait'])).toEqual(['files:upload', '--path', 'a.csv', '--path', 'b.jpg', '--wait']);
  });

  test('leaves other commands and option-only calls alone', () => {
    expect(withPositionalOptions(['deploy', 'function', '--function', 'x'])).toEqual(['deploy', 'function', '--function', 'x']);
    expect(withPositionalOptions(['files:status', '--key', 'incoming/a.csv'])).toEqual(['files:status', '--key', 'incoming/a.csv']);
  });
});

test('every command and sub-command declares the run lifecycle the plugin hooks', () => {
  const runnable = Object.entries(COMMANDS).flatMap(([name, schema]) =>
    schema.commands === undefined ? [[name, schema] as const] : Object.entries(schema.commands).map(([sub, inner]) => [`${name}:${sub}`, inner] as const),
  );
  expect(runnable.map(([name]) => name)).toEqual([
    'files:upload',
    'files:status',
    'files:backfill',
    'files:reprocess',
    'files:dlq:list',
    'files:dlq:redrive',
    'files:dlq:purge',
  ]);
  for (const [, schema] of runnable) expect(schema.lifecycleEvents).toEqual(['run']);
});
