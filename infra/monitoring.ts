/**
 * What an operator looks at: the alarm topic, the alarms and a CloudWatch dashboard. Every
 * function here is pure: stage settings → template fragment. The Lambda metrics name the
 * function by its deterministic name, not by `Ref`: the `local` stage (no Lambda) deploys the
 * same alarms and dashboard, and a `Ref` to the function it leaves out would not resolve there.
 */
import { OUTCOME_COUNTERS } from '../src/batch/types.js';
import type { StageSettings } from '../src/config/settings.js';
import { SERVICE, workerFunctionNameFor } from './service.js';
import { metricsNamespaceFor } from './workerEnvironment.js';

export const ALARM_TOPIC_ID = 'AlarmTopic';
export const DASHBOARD_ID = 'Dashboard';

/** Below this many finished files in the window, one bad upload would read as a high ratio. */
export const REJECTED_RATIO_MIN_FILES = 10;
const REJECTED_RATIO_PERIOD_SECONDS = 900;
/** Errors and throttles are summed over this window. */
const WORKER_ALARM_PERIOD_SECONDS = 300;

const queueArn = '${construct:jobs.queueArn}';
const dlqArn = '${construct:jobs.dlqArn}';
const queueName = (arn: string) => ({ 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] });
const topic = { Ref: ALARM_TOPIC_ID };
const notify = { AlarmActions: [topic], OKActions: [topic], TreatMissingData: 'notBreaching' };

/** Powertools' default dimension of every EMF metric: `service` = POWERTOOLS_SERVICE_NAME. */
const emfMetric = (stage: string, name: string) => ({
  Namespace: metricsNamespaceFor(stage),
  MetricName: name,
  Dimensions: [{ Name: 'service', Value: SERVICE }],
});

/**
 * The alarm topic's policy: only CloudWatch alarms of this account and region may publish, and
 * only over TLS. It replaces SNS's default policy, so CloudWatch needs its own Allow.
 */
export const alarmTopicPolicy = () => ({
  Type: 'AWS::SNS::TopicPolicy',
  Properties: {
    Topics: [topic],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowAlarmsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic,
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topic,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  },
});

const workerAlarm = (stage: string, description: string, metricName: string, threshold: number) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: description,
    Namespace: 'AWS/Lambda',
    MetricName: metricName,
    Dimensions: [{ Name: 'FunctionName', Value: workerFunctionNameFor(stage) }],
    Statistic: 'Sum',
    Period: WORKER_ALARM_PERIOD_SECONDS,
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    ...notify,
  },
});

/** rejected / (processed + rejected) in percent, 0 below the minimum number of finished files. */
export const REJECTED_PERCENT_EXPRESSION = `IF(processed + rejected >= ${REJECTED_RATIO_MIN_FILES}, 100 * rejected / (processed + rejected), 0)`;

const rejectedRatioAlarm = (settings: StageSettings) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription:
      `More than ${settings.rejectedAlarmPercent} % of the files finished in ${REJECTED_RATIO_PERIOD_SECONDS / 60} minutes were rejected ` +
      `(at least ${REJECTED_RATIO_MIN_FILES} files): bad uploads, or a processor rejecting what it should accept`,
    Metrics: [
      ...(['processed', 'rejected'] as const).map((name) => ({
        Id: name,
        MetricStat: { Metric: emfMetric(settings.stage, name), Period: REJECTED_RATIO_PERIOD_SECONDS, Stat: 'Sum' },
        ReturnData: false,
      })),
      { Id: 'rejectedPercent', Expression: REJECTED_PERCENT_EXPRESSION, Label: 'rejected %', ReturnData: true },
    ],
    EvaluationPeriods: 1,
    Threshold: settings.rejectedAlarmPercent,
    ComparisonOperator: 'GreaterThanThreshold',
    ...notify,
  },
});

/**
 * Alarms on the DLQ (anything there is a file that needs a human), the age of the oldest
 * message (the worker is falling behind or failing), invocations that fail or are throttled,
 * and the share of rejected files, to a topic that is TLS-only but not KMS-encrypted:
 * CloudWatch cannot publish to a topic under the AWS-managed key (alias/aws/sns), and a
 * customer-managed key that admits CloudWatch costs $1 a month per stage to protect alarm names
 * and metric values (tests/infra/lint/suppressions.json, CKV_AWS_26).
 */
export const alarmResources = (settings: StageSettings) => ({
  [ALARM_TOPIC_ID]: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'File processor alarms' } },
  AlarmTopicPolicy: alarmTopicPolicy(),
  ...(settings.alarmEmail === undefined
    ? {}
    : {
        AlarmEmailSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: topic, Protocol: 'email', Endpoint: settings.alarmEmail },
        },
      }),
  DeadLetterQueueDepthAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: 'Messages in the dead-letter queue: files that failed every retry',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName(dlqArn) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      ...notify,
    },
  },
  OldestMessageAgeAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `Oldest message waited more than ${settings.oldestMessageAlarmSeconds} s: the worker is behind or failing`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName(queueArn) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: settings.oldestMessageAlarmSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
      ...notify,
    },
  },
  WorkerErrorsAlarm: workerAlarm(
    settings.stage,
    `More than ${settings.workerErrorsAlarmCount} worker invocations failed as a whole in 5 minutes (timeout, crash, out of memory): their batches are retried`,
    'Errors',
    settings.workerErrorsAlarmCount,
  ),
  WorkerThrottlesAlarm: workerAlarm(
    settings.stage,
    `More than ${settings.workerThrottlesAlarmCount} worker invocations were throttled in 5 minutes: each hands its batch back to the queue, a receive closer to the DLQ`,
    'Throttles',
    settings.workerThrottlesAlarmCount,
  ),
  RejectedRatioAlarm: rejectedRatioAlarm(settings),
});

/** The logical ids of the stage's alarms, for the dashboard's alarm widget. */
const alarmIds = (settings: StageSettings) =>
  Object.entries(alarmResources(settings))
    .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
    .map(([id]) => id);

type MetricRow = readonly (string | Readonly<Record<string, string | number | boolean>>)[];
const WIDTH = 8;
const HEIGHT = 6;

const graph = (title: string, metrics: readonly MetricRow[], options: Readonly<Record<string, unknown>> = {}) => ({
  type: 'metric',
  width: WIDTH,
  height: HEIGHT,
  properties: { title, region: '${AWS::Region}', view: 'timeSeries', stacked: false, period: 60, metrics, ...options },
});
const threshold = (label: string, value: number) => ({ annotations: { horizontal: [{ label, value }] } });

const sqs = (metric: string, queue: '${QueueName}' | '${DeadLetterQueueName}', label: string): MetricRow => [
  'AWS/SQS',
  metric,
  'QueueName',
  queue,
  { label, stat: 'Maximum' },
];
const lambda = (metric: string, stat: string, label = metric): MetricRow => ['AWS/Lambda', metric, 'FunctionName', '${FunctionName}', { label, stat }];
const emf = (stage: string, name: string, extra: Readonly<Record<string, string | boolean>> = {}): MetricRow => [
  metricsNamespaceFor(stage),
  name,
  'service',
  SERVICE,
  { label: name, stat: 'Sum', ...extra },
];

/** The dashboard's widgets; `${…}` are `Fn::Sub` variables (`dashboardResources`). */
export const dashboardWidgets = (settings: StageSettings) => [
  graph('Queue: backlog, in flight, DLQ', [
    sqs('ApproximateNumberOfMessagesVisible', '${QueueName}', 'backlog'),
    sqs('ApproximateNumberOfMessagesNotVisible', '${QueueName}', 'in flight'),
    sqs('ApproximateNumberOfMessagesVisible', '${DeadLetterQueueName}', 'DLQ'),
  ]),
  graph(
    'Queue: age of the oldest message (s)',
    [sqs('ApproximateAgeOfOldestMessage', '${QueueName}', 'oldest message')],
    threshold('alarm', settings.oldestMessageAlarmSeconds),
  ),
  graph('Files: outcomes per minute (EMF)', [...OUTCOME_COUNTERS.map((name) => emf(settings.stage, name))]),
  graph('Worker: invocations, errors, throttles', [lambda('Invocations', 'Sum'), lambda('Errors', 'Sum'), lambda('Throttles', 'Sum')]),
  graph(
    'Worker: duration (ms)',
    [lambda('Duration', 'p50', 'p50'), lambda('Duration', 'p99', 'p99'), lambda('Duration', 'Maximum', 'max')],
    threshold('timeout', settings.workerTimeoutSeconds * 1000),
  ),
  graph('Worker: concurrent executions', [lambda('ConcurrentExecutions', 'Maximum', 'concurrent')], threshold('MAX_CONCURRENCY', settings.maxConcurrency)),
  graph(
    `Files: rejected % (${REJECTED_RATIO_PERIOD_SECONDS / 60} min)`,
    [
      [{ expression: REJECTED_PERCENT_EXPRESSION, label: 'rejected %', id: 'rejectedPercent' }],
      emf(settings.stage, 'processed', { id: 'processed', visible: false }),
      emf(settings.stage, 'rejected', { id: 'rejected', visible: false }),
    ],
    { period: REJECTED_RATIO_PERIOD_SECONDS, ...threshold('alarm', settings.rejectedAlarmPercent) },
  ),
  graph('Files: bytes written (EMF)', [emf(settings.stage, 'bytesWritten')]),
  {
    type: 'alarm',
    width: WIDTH,
    height: HEIGHT,
    properties: { title: 'Alarms', alarms: alarmIds(settings).map((id) => `\${${id}.Arn}`) },
  },
];

/**
 * One dashboard per stack and region: dashboard names are global to the account, so the region
 * keeps the same stage in two regions apart (as in the bucket names).
 */
export const dashboardResources = (settings: StageSettings) => ({
  [DASHBOARD_ID]: {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: { 'Fn::Sub': '${AWS::StackName}-${AWS::Region}' },
      DashboardBody: {
        'Fn::Sub': [
          JSON.stringify({ widgets: dashboardWidgets(settings) }),
          { QueueName: queueName(queueArn), DeadLetterQueueName: queueName(dlqArn), FunctionName: workerFunctionNameFor(settings.stage) },
        ],
      },
    },
  },
});
