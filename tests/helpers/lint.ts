/**
 * Runs cfn-lint (+ cfn-lint-serverless) and checkov from `.lint/venv` on a template file and
 * turns their JSON into findings, one readable line each; applies tests/infra/lint/suppressions.json.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './sls.js';

const run = promisify(execFile);

export const LINT_DIR = path.join(PROJECT_ROOT, 'tests/infra/lint');
export const TOOLS = ['cfn-lint', 'checkov'] as const;
export type Tool = (typeof TOOLS)[number];

export interface Finding {
  readonly tool: Tool;
  readonly stage: string;
  readonly rule: string;
  /** The logical id, or the template path (`Outputs/QueueUrl`) when a finding is not on a resource. */
  readonly resource: string;
  readonly message: string;
  /** `file:line`, relative to the project. */
  readonly where: string;
}

export const formatFinding = (f: Finding): string => `${f.stage} ${f.tool} ${f.rule} ${f.resource}: ${f.message} (${f.where})`;

/**
 * Installs the venv if needed (tests/infra/lint/install.sh) and returns its bin folder. Killed
 * after 150 s, so a stuck pip fails with the installer's own lines before the hook's 180 s.
 */
export const installLinters = async (): Promise<string> => {
  try {
    const { stdout, stderr } = await run('bash', [path.join(LINT_DIR, 'install.sh')], { cwd: PROJECT_ROOT, maxBuffer: 1 << 20, timeout: 150_000 });
    if (stderr !== '') process.stderr.write(stderr); // "[lint] installing … / installed in N s", first run only
    return stdout.trim();
  } catch (error: unknown) {
    const { stderr, killed } = error as { stderr?: string; killed?: boolean };
    const why = killed === true ? 'was killed after 150 s' : 'failed';
    throw new Error(`tests/infra/lint/install.sh ${why}:\n${stderr ?? String(error)}`, { cause: error });
  }
};

/** Runs a linter that exits 0 whatever it finds (so anything else is a crash) and returns its stdout. */
const runLinter = async (command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> => {
  try {
    const { stdout } = await run(command, args, { cwd: PROJECT_ROOT, env, maxBuffer: 64 << 20, timeout: 120_000 });
    return stdout;
  } catch (error: unknown) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed:\n${stderr}${stdout}`.slice(0, 4000), { cause: error });
  }
};

interface CfnLintMatch {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Level: string;
  readonly Filename: string;
  readonly Location: { readonly Start: { readonly LineNumber: number }; readonly Path?: readonly (string | number)[] };
}

/** Errors and warnings (cfn-lint's default), with the serverless rules added. */
export const cfnLint = async (bin: string, stage: string, file: string, region: string): Promise<Finding[]> => {
  const args = ['--format', 'json', '--non-zero-exit-code', 'none', '--append-rules', 'cfn_lint_serverless.rules', '--regions', region, '--', file];
  const matches = JSON.parse(await runLinter(path.join(bin, 'cfn-lint'), args, process.env)) as readonly CfnLintMatch[];
  return matches.map((match) => {
    const at = match.Location.Path ?? [];
    return {
      tool: 'cfn-lint',
      stage,
      rule: match.Rule.Id,
      resource: at[0] === 'Resources' && at[1] !== undefined ? String(at[1]) : at.join('/') || '(template)',
      message: `[${match.Level}] ${match.Message}`,
      where: `${match.Filename}:${match.Location.Start.LineNumber}`,
    };
  });
};

interface CheckovReport {
  readonly results?: {
    readonly failed_checks: readonly { check_id: string; check_name: string; resource: string; file_line_range: readonly number[] }[];
  };
  readonly summary: { readonly passed: number; readonly failed: number; readonly parsing_errors: number; readonly resource_count: number };
}

/**
 * Offline: `--skip-download` and BC_SKIP_MAPPING skip the platform's policy metadata, the update
 * check is off, and no API key is passed on, so checkov makes no network call (it runs inside
 * `unshare -n`). A file checkov cannot parse would pass silently, hence the summary checks.
 */
export const checkov = async (bin: string, stage: string, file: string): Promise<Finding[]> => {
  const { BC_API_KEY: _key, PRISMA_API_URL: _url, ...env } = process.env;
  const offline = { ...env, BC_SKIP_MAPPING: 'TRUE', CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true', LOG_LEVEL: 'WARNING' };
  const args = ['-f', file, '--framework', 'cloudformation', '--skip-download', '--soft-fail', '--compact', '--output', 'json'];
  const report = JSON.parse(await runLinter(path.join(bin, 'checkov'), args, offline)) as CheckovReport;
  const { summary } = report;
  if (report.results === undefined || summary.parsing_errors > 0 || summary.resource_count === 0 || summary.passed === 0) {
    throw new Error(`checkov did not scan ${file}: ${JSON.stringify(summary)}`);
  }
  return report.results.failed_checks.map((check) => ({
    tool: 'checkov',
    stage,
    rule: check.check_id,
    // `AWS::S3::Bucket.uploadsBucket10132EB4`: types contain no dot, logical ids neither.
    resource: check.resource.slice(check.resource.indexOf('.') + 1),
    message: check.check_name,
    where: `${file}:${check.file_line_range[0] ?? '?'}`,
  }));
};

export interface Suppression {
  readonly rule: string;
  /** Logical ids; a trailing `*` matches any suffix (Lift appends a hash). */
  readonly resources: readonly string[];
  readonly reason: string;
}
export type Suppressions = Readonly<Record<Tool, readonly Suppression[]>>;

const fail = (where: string, rule: string, given: unknown): never => {
  throw new Error(`tests/infra/lint/suppressions.json: ${where} ${rule}, ${JSON.stringify(given)} given`);
};

/** Reads and checks the suppressions file: every entry needs a rule, the resources and a reason. */
export const loadSuppressions = async (): Promise<Suppressions> => {
  const file = JSON.parse(await readFile(path.join(LINT_DIR, 'suppressions.json'), 'utf8')) as Record<string, unknown>;
  const known = new Set<string>(['about', ...TOOLS]);
  const unknownKeys = Object.keys(file).filter((key) => !known.has(key));
  if (unknownKeys.length > 0) fail('top level', `allows only ${[...known].join(', ')}`, unknownKeys);
  const entries = (tool: Tool): Suppression[] => {
    const list = file[tool];
    if (!Array.isArray(list)) return fail(tool, 'must be a list', list);
    return list.map((entry: Record<string, unknown>, index) => {
      const where = `${tool}[${index}]`;
      const { rule, resources, reason, ...rest } = entry;
      if (Object.keys(rest).length > 0) fail(where, 'allows only rule, resources, reason', Object.keys(rest));
      if (typeof rule !== 'string' || rule === '') fail(where, "'rule' must be a rule id", rule);
      if (!Array.isArray(resources) || resources.length === 0 || !resources.every((id) => typeof id === 'string' && id !== '')) {
        fail(where, "'resources' must be a non-empty list of logical ids", resources);
      }
      if (typeof reason !== 'string' || reason.length < 20) fail(where, "'reason' must say why (20+ characters)", reason);
      return { rule, resources, reason } as Suppression;
    });
  };
  return { 'cfn-lint': entries('cfn-lint'), checkov: entries('checkov') };
};

const matchesId = (pattern: string, id: string): boolean => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern);

/** Findings no suppression accepts, and the suppressions (rule + resource pattern) that accepted nothing. */
export const applySuppressions = (findings: readonly Finding[], suppressions: Suppressions) => {
  const used = new Set<string>();
  const open = findings.filter((finding) => {
    for (const entry of suppressions[finding.tool]) {
      const pattern = entry.rule === finding.rule ? entry.resources.find((p) => matchesId(p, finding.resource)) : undefined;
      if (pattern !== undefined) {
        used.add(`${finding.tool} ${entry.rule} ${pattern}`);
        return false;
      }
    }
    return true;
  });
  const unused = TOOLS.flatMap((tool) => suppressions[tool].flatMap((entry) => entry.resources.map((pattern) => `${tool} ${entry.rule} ${pattern}`))).filter(
    (key) => !used.has(key),
  );
  return { open, unused };
};
