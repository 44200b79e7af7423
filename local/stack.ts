/**
 * What the local worker and tests need to know about the deployed `local` stack: its outputs
 * (CloudFormation DescribeStacks, same as AWS) and the queue's real attributes.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Where LocalStack listens (LOCALSTACK_PORT, as in local/localstack/common.sh). */
export const LOCALSTACK_ENDPOINT = `http://127.0.0.1:${process.env.LOCALSTACK_PORT || '4566'}`;

/**
 * Environment for SDK v3 clients built with `new XClient({})` to reach LocalStack offline.
 * AWS_ENDPOINT_URL is read by every v3 client; an IP-address endpoint makes the S3 client use
 * path-style URLs by itself (the S3 endpoint rules never put a bucket in front of an IP), so
 * no forcePathStyle is needed. Virtual-host style (*.localhost.localstack.cloud) needs public DNS.
 */
export const localStackEnv = (endpoint = LOCALSTACK_ENDPOINT): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
});

export interface StackOutputs {
  readonly UploadBucketName: string;
  readonly ResultsBucketName: string;
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
}
const REQUIRED_OUTPUTS = ['UploadBucketName', 'ResultsBucketName', 'QueueUrl', 'DeadLetterQueueUrl'] as const;

/** @example await stackOutputs(new CloudFormationClient({}), 'file-processor-local') */
export const stackOutputs = async (cloudFormation: CloudFormationClient, stackName: string): Promise<StackOutputs> => {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing = REQUIRED_OUTPUTS.filter((key) => typeof outputs[key] !== 'string');
  if (missing.length > 0) {
    throw new Error(`stack ${stackName}: outputs ${missing.join(', ')} missing; deploy first (npx sls deploy --stage local)`);
  }
  return outputs as unknown as StackOutputs;
};

export interface QueueAttributes {
  readonly queueArn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetterTargetArn: string | undefined;
}

/** The deployed queue's attributes: the visibility timeout and redrive policy that apply. */
export const queueAttributes = async (sqs: SQSClient, queueUrl: string): Promise<QueueAttributes> => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  const redrive =
    Attributes.RedrivePolicy === undefined
      ? undefined
      : (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: number | string; deadLetterTargetArn?: string });
  return {
    queueArn: Attributes.QueueArn ?? '',
    visibilityTimeoutSeconds: Number(Attributes.VisibilityTimeout ?? 30),
    maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
    deadLetterTargetArn: redrive?.deadLetterTargetArn,
  };
};
