/**
 * The dashboard, the alarms on the worker and the tracing switch, in the CloudFormation that
 * `sls package` produces. Each metric the dashboard or an alarm shows must exist: AWS metrics
 * by their documented names on this stack's queue, DLQ and function; EMF metrics by the names
 * the real worker chain publishes, in the namespace and dimension its environment gives it.
 */
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { type Stage, type StageSettings, loadStageSettings } from '../../src/config/settings.js';
import { REJECTED_RATIO_MIN_FILES } from '../../infra/monitoring.js';
import { batchContext, sqsEvent } from '../helpers/events.js';
import {
  type CfnTemplate,
  type Json,
  type JsonObject,
  asList,
  iamStatements,
  isObject,
  packageStage,
  resourcesOfType,
  theResource,
} from '../helpers/template.js';
import { createTestWorker } from '../helpers/worker.js';

const STAGES = ['dev', 'prod'] as const;
const stageEnv = { dev: { ALARM_EMAIL: '' }, prod: { ALARM_EMAIL: 'ops@example.com' } } as const;

/** AWS's documented metrics (SQS and Lambda developer guides) that a widget may name. */
const AWS_METRICS: Readonly<Record<string, readonly string[]>> = {
  'AWS/SQS': ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateAgeOfOldestMessage', 'NumberOfMessagesSent'],
  'AWS/Lambda': ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'],
};

interface Packaged {
  readonly template: CfnTemplate;
  readonly settings: StageSettings;
}

const packaged = new Map<string, Packaged>();
/** The EMF metric names the worker chain publishes for a batch. */
let emitted = new Set<string>();

const packageWith = async (key: string, stage: Stage, env: Record<string, string>) => {
  const { template } = await packageStage(stage, env);
  packaged.set(key, { template, settings: loadStageSettings(stage, { ...process.env, ...env }) });
};

beforeAll(async () => {
  for (const stage of STAGES) await packageWith(stage, stage, stageEnv[stage]);
  await packageWith('dev without tracing', 'dev', { ...stageEnv.dev, TRACING: 'off' });

  const worker = createTestWorker();
  const addMetric = vi.spyOn(worker.metrics, 'addMetric');
  await worker.handler(sqsEvent(), batchContext());
  emitted = new Set(addMetric.mock.calls.map(([name]) => name));
});

const get = (key: string): Packaged => {
  const found = packaged.get(key);
  if (found === undefined) throw new Error(`${key} was not packaged`);
  return found;
};

const workerOf = (template: CfnTemplate) => theResource(template, 'AWS::Lambda::Function');
const variablesOf = (template: CfnTemplate): JsonObject => {
  const environment = workerOf(template).properties.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
};
const queueIds = (template: CfnTemplate) => {
  const queue = theResource(template, 'AWS::SQS::Queue', ({ properties }) => properties.RedrivePolicy !== undefined);
  const dlq = theResource(template, 'AWS::SQS::Queue', ({ id }) => id !== queue.id);
  return { queue: queue.id, dlq: dlq.id };
};
const queueNameOf = (id: string) => ({ 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': [id, 'Arn'] }] }] });

test('the worker chain publishes the outcome counters, zeros included, for every batch', () => {
  expect([...emitted]).toEqual(expect.arrayContaining(['processed', 'rejected', 'retried', 'duplicate', 'skipped', 'unusable']));
});

describe.each(STAGES)('%s: dashboard', (stage) => {
  type Row = readonly (string | JsonObject)[];
  interface Widget {
    readonly type: string;
    readonly properties: { readonly title: string; readonly metrics?: readonly Row[]; readonly alarms?: readonly string[] };
  }

  /** The body's text, its `Fn::Sub` variables, and the widgets with every `${…}` left as written. */
  const dashboard = () => {
    const { template } = get(stage);
    const { properties } = theResource(template, 'AWS::CloudWatch::Dashboard');
    const sub = isObject(properties.DashboardBody) ? properties.DashboardBody['Fn::Sub'] : undefined;
    if (!Array.isArray(sub) || typeof sub[0] !== 'string' || !isObject(sub[1])) throw new Error('DashboardBody: expected Fn::Sub [body, variables]');
    const [body, variables] = sub as [string, JsonObject];
    return { properties, body, variables, widgets: (JSON.parse(body) as { widgets: Widget[] }).widgets };
  };
  const rows = () => dashboard().widgets.flatMap((widget) => widget.properties.metrics ?? []);
  /** A metric, `[namespace, name, dimension, value, options]`, rather than an expression `[{ expression }]`. */
  const isMetricRow = (row: Row): row is readonly [string, string, ...(string | JsonObject)[]] => typeof row[0] === 'string' && typeof row[1] === 'string';
  const metricRows = () => rows().filter(isMetricRow);

  test('one per stack and region (dashboard names are global to the account)', () => {
    expect(dashboard().properties.DashboardName).toEqual({ 'Fn::Sub': '${AWS::StackName}-${AWS::Region}' });
  });

  test('every ${…} in the body is a pseudo parameter, a variable of the Sub, or an alarm of the template', () => {
    const { template } = get(stage);
    const { body, variables } = dashboard();
    const alarms = new Set(resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(({ id }) => `${id}.Arn`));
    const unknown = [...body.matchAll(/\$\{([^}]+)\}/g)]
      .map((match) => match[1] ?? '')
      .filter((name) => !name.startsWith('AWS::') && !(name in variables) && !alarms.has(name));
    expect(unknown).toEqual([]);
  });

  test("the variables are this stack's queue, DLQ and worker function", () => {
    const { template } = get(stage);
    const ids = queueIds(template);
    expect(dashboard().variables).toEqual({
      QueueName: queueNameOf(ids.queue),
      DeadLetterQueueName: queueNameOf(ids.dlq),
      FunctionName: workerOf(template).properties.FunctionName as Json,
    });
  });

  test('every AWS metric is a documented one, on the resource its dimension names', () => {
    const dimensionFor: Readonly<Record<string, readonly [string, readonly string[]]>> = {
      'AWS/SQS': ['QueueName', ['${QueueName}', '${DeadLetterQueueName}']],
      'AWS/Lambda': ['FunctionName', ['${FunctionName}']],
    };
    const awsRows = metricRows().filter(([namespace]) => namespace.startsWith('AWS/'));
    expect(awsRows.length).toBeGreaterThan(0);
    for (const [namespace, name, dimension, value] of awsRows) {
      expect(AWS_METRICS[namespace], namespace).toContain(name);
      expect([dimension, value], `${namespace} ${name}`).toEqual([dimensionFor[namespace]?.[0], expect.toBeOneOf([...(dimensionFor[namespace]?.[1] ?? [])])]);
    }
  });

  test("every EMF metric is one the worker publishes, in its environment's namespace and service dimension", () => {
    const variables = variablesOf(get(stage).template);
    const emfRows = metricRows().filter(([namespace]) => !namespace.startsWith('AWS/'));
    expect(emfRows.length).toBeGreaterThan(0);
    for (const [namespace, name, dimension, value] of emfRows) {
      expect(emitted, name).toContain(name);
      expect([namespace, dimension, value]).toEqual([variables.POWERTOOLS_METRICS_NAMESPACE, 'service', variables.POWERTOOLS_SERVICE_NAME]);
    }
  });

  test('shows backlog, age of oldest message, in flight, DLQ depth, worker invocations/errors/throttles/duration/concurrency and the outcome counters', () => {
    const shown = new Set(metricRows().map(([namespace, name, , value]) => `${namespace} ${name} ${String(value)}`));
    const { POWERTOOLS_METRICS_NAMESPACE: namespace } = variablesOf(get(stage).template);
    for (const expected of [
      'AWS/SQS ApproximateNumberOfMessagesVisible ${QueueName}',
      'AWS/SQS ApproximateAgeOfOldestMessage ${QueueName}',
      'AWS/SQS ApproximateNumberOfMessagesNotVisible ${QueueName}',
      'AWS/SQS ApproximateNumberOfMessagesVisible ${DeadLetterQueueName}',
      ...['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'].map((name) => `AWS/Lambda ${name} \${FunctionName}`),
      ...['processed', 'rejected', 'retried', 'duplicate'].map((name) => `${String(namespace)} ${name} file-processor`),
    ]) {
      expect(shown).toContain(expected);
    }
  });

  test('an expression uses only ids defined in its own widget', () => {
    for (const widget of dashboard().widgets) {
      const metrics = widget.properties.metrics ?? [];
      const options = metrics.map((row) => row.at(-1)).filter(isObject);
      const ids = new Set(options.map((option) => option.id).filter((id) => typeof id === 'string'));
      for (const { expression } of options) {
        if (typeof expression !== 'string') continue;
        const used = expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [];
        expect(
          used.filter((id) => !ids.has(id)),
          `${widget.properties.title}: ${expression}`,
        ).toEqual([]);
      }
    }
  });

  test('the alarm widget lists every alarm of the stack', () => {
    const { template } = get(stage);
    const listed = dashboard().widgets.flatMap((widget) => (widget.type === 'alarm' ? (widget.properties.alarms ?? []) : []));
    expect([...listed].sort()).toEqual(
      resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .map(({ id }) => `\${${id}.Arn}`)
        .sort(),
    );
  });
});

/**
 * Evaluates a metric-math expression of `+ - * /`, comparisons and `IF(c, a, b)` for given values,
 * so the test checks what the alarm computes, not how it is spelled.
 */
const evaluate = (expression: string, values: Readonly<Record<string, number>>): number => {
  const js = expression.replace(/\bIF\(/g, 'iff(').replace(/\b[a-z][A-Za-z0-9_]*\b/g, (id) => (id === 'iff' ? id : String(values[id] ?? Number.NaN)));
  if (!/^[\d\s.+\-*/()<>=,iff]*$/.test(js)) throw new Error(`not a simple expression: ${expression}`);
  return new Function('iff', `return ${js};`)((condition: boolean, a: number, b: number) => (condition ? a : b)) as number;
};

describe.each(STAGES)('%s: alarms', (stage) => {
  const alarm = (id: string) => {
    const found = get(stage).template.Resources[id];
    if (found?.Type !== 'AWS::CloudWatch::Alarm') throw new Error(`${id}: not an alarm of the template`);
    return found.Properties ?? {};
  };

  test('every alarm notifies the alarm topic when it fires and when it recovers, and no data is not a breach', () => {
    const { template } = get(stage);
    const topic = theResource(template, 'AWS::SNS::Topic').id;
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(({ id }) => id).sort()).toEqual(
      ['DeadLetterQueueDepthAlarm', 'OldestMessageAgeAlarm', 'RejectedRatioAlarm', 'WorkerErrorsAlarm', 'WorkerThrottlesAlarm'].sort(),
    );
    for (const { properties } of alarms) {
      expect(properties).toMatchObject({ AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }], TreatMissingData: 'notBreaching' });
    }
  });

  test.each([
    { id: 'WorkerErrorsAlarm', metric: 'Errors', setting: 'workerErrorsAlarmCount' },
    { id: 'WorkerThrottlesAlarm', metric: 'Throttles', setting: 'workerThrottlesAlarmCount' },
  ] as const)('$id: the sum of the worker’s $metric over 5 minutes above the stage’s $setting', ({ id, metric, setting }) => {
    const { template, settings } = get(stage);
    expect(alarm(id)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: workerOf(template).properties.FunctionName }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: settings[setting],
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test("RejectedRatioAlarm: sums the worker's processed and rejected counters, in its namespace and service dimension", () => {
    const variables = variablesOf(get(stage).template);
    const queries = asList(alarm('RejectedRatioAlarm').Metrics).filter(isObject);
    const metricQueries = queries.filter((query) => query.MetricStat !== undefined);
    expect(metricQueries).toEqual(
      ['processed', 'rejected'].map((name) => ({
        Id: name,
        MetricStat: {
          Metric: {
            Namespace: variables.POWERTOOLS_METRICS_NAMESPACE,
            MetricName: name,
            Dimensions: [{ Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME }],
          },
          Period: expect.any(Number),
          Stat: 'Sum',
        },
        ReturnData: false,
      })),
    );
    for (const name of ['processed', 'rejected']) expect(emitted).toContain(name);
    expect(queries.filter((query) => query.ReturnData === true)).toHaveLength(1);
  });

  test.each([
    { files: '90 processed, 10 rejected', processed: 90, rejected: 10, percent: 10 },
    { files: 'none processed, 20 rejected', processed: 0, rejected: 20, percent: 100 },
    { files: '100 processed, none rejected', processed: 100, rejected: 0, percent: 0 },
    // Too few files in the window: one bad upload must not read as 50 %.
    { files: '1 processed, 1 rejected (too few)', processed: 1, rejected: 1, percent: 0 },
    { files: 'the minimum, 1 rejected', processed: REJECTED_RATIO_MIN_FILES - 1, rejected: 1, percent: 100 / REJECTED_RATIO_MIN_FILES },
  ])('RejectedRatioAlarm: $files reads as $percent %', ({ processed, rejected, percent }) => {
    const queries = asList(alarm('RejectedRatioAlarm').Metrics).filter(isObject);
    const watched = queries.find((query) => query.ReturnData === true);
    expect(typeof watched?.Expression).toBe('string');
    expect(evaluate(String(watched?.Expression), { processed, rejected })).toBeCloseTo(percent);
  });

  test("RejectedRatioAlarm: fires above the stage's percentage", () => {
    expect(alarm('RejectedRatioAlarm')).toMatchObject({ Threshold: get(stage).settings.rejectedAlarmPercent, ComparisonOperator: 'GreaterThanThreshold' });
  });
});

describe('tracing', () => {
  const xrayActions = (template: CfnTemplate) =>
    iamStatements(template)
      .flatMap((statement) => asList(statement.Action))
      .filter((action) => typeof action === 'string' && action.startsWith('xray:'))
      .sort();

  test.each(STAGES)('%s (on by default): active tracing, TRACING=on for the worker, and the grants to send segments', (stage) => {
    const { template, settings } = get(stage);
    expect(settings.tracing).toBe('on');
    expect(workerOf(template).properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(variablesOf(template).TRACING).toBe('on');
    expect(xrayActions(template)).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  test('TRACING=off: no tracing config, TRACING=off for the worker, no X-Ray grants', () => {
    const { template } = get('dev without tracing');
    expect(workerOf(template).properties.TracingConfig).toBeUndefined();
    expect(variablesOf(template).TRACING).toBe('off');
    expect(xrayActions(template)).toEqual([]);
  });
});
