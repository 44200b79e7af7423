/**
 * Lint gates on the packaged CloudFormation of every stage: cfn-lint with the serverless rules
 * (cfn-lint-serverless) and checkov, pinned in tests/infra/lint/ and installed into `.lint/venv`
 * on first use (install.sh, ~30 s once). No finding may remain outside
 * tests/infra/lint/suppressions.json, where each accepted one has its reason; a suppression that
 * matches nothing any more fails too, so the list stays exact. The linted templates stay in
 * `.lint/templates/<stage>.json`, which the failure lines point into.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { STAGES, type Stage, loadStageSettings } from '../../src/config/settings.js';
import {
  type Finding,
  type Suppressions,
  TOOLS,
  applySuppressions,
  cfnLint,
  checkov,
  formatFinding,
  installLinters,
  loadSuppressions,
} from '../helpers/lint.js';
import { PROJECT_ROOT } from '../helpers/sls.js';
import { packageStage } from '../helpers/template.js';

/** `ALARM_EMAIL: ''` overrides a developer's `.env` on dev; prod needs one; local's template has no Lambda. */
const STAGE_ENV: Readonly<Record<Stage, Record<string, string>>> = { dev: { ALARM_EMAIL: '' }, prod: { ALARM_EMAIL: 'ops@example.com' }, local: {} };

/** The region `serverless.ts` packages for, so cfn-lint checks against that region's resource specs. */
const regionOf = (stage: Stage): string => {
  const dotEnvPath = path.join(PROJECT_ROOT, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  return loadStageSettings(stage, { ...dotEnv, ...process.env, ...STAGE_ENV[stage] }).region;
};

/** Packages each stage (one after the other: `sls` runs are serialized) into `.lint/templates/`. */
const packageAll = async (): Promise<Map<Stage, string>> => {
  const files = new Map<Stage, string>();
  await mkdir(path.join(PROJECT_ROOT, '.lint/templates'), { recursive: true });
  for (const stage of STAGES) {
    const { template } = await packageStage(stage, STAGE_ENV[stage]);
    const file = path.join('.lint/templates', `${stage}.json`);
    await writeFile(path.join(PROJECT_ROOT, file), `${JSON.stringify(template, null, 2)}\n`);
    files.set(stage, file);
  }
  return files;
};

let findings: Finding[] = [];
let suppressions: Suppressions;

beforeAll(async () => {
  // The venv installs (first run only) while the stages package.
  const [bin, files] = await Promise.all([installLinters(), packageAll()]);
  suppressions = await loadSuppressions();
  const runs = [...files].flatMap(([stage, file]) => [cfnLint(bin, stage, file, regionOf(stage)), checkov(bin, stage, file)]);
  findings = (await Promise.all(runs)).flat();
});

describe.each(STAGES)('packaged template for %s', (stage) => {
  test.each(TOOLS)('%s: no finding outside tests/infra/lint/suppressions.json', (tool) => {
    const { open } = applySuppressions(
      findings.filter((finding) => finding.stage === stage && finding.tool === tool),
      suppressions,
    );
    // One line per finding: stage, tool, rule, logical id, message, file:line.
    expect(open.map(formatFinding)).toEqual([]);
  });
});

test('every suppression (rule × resource) still matches a finding of some stage', () => {
  // Each line reads `<tool> <rule> <resource pattern>`: that finding is gone, so delete it from suppressions.json.
  expect(applySuppressions(findings, suppressions).unused).toEqual([]);
});
