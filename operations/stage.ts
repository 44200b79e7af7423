/**
 * The deployed stage a command operates: its AWS clients (configured by the framework, so
 * `--stage`, `--region` and `--aws-profile` work as for every `sls` command, and stage `local`
 * reaches LocalStack with nothing exported: local/plugin/localStage.ts) and its stack's outputs.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type StackOutputs, stackOutputs } from '../local/stack.js';
import { ManifestStore } from '../src/storage/manifestStore.js';
import type { CommandInput } from './plugin.js';

export interface Stage {
  readonly name: string;
  readonly region: string;
  readonly stackName: string;
  /** Where the clients go: LocalStack's URL on `local`, undefined (AWS) otherwise. */
  readonly endpoint: string | undefined;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly outputs: StackOutputs;
  readonly manifests: ManifestStore;
}

/** Connects to the stage and reads its stack; errors are explained by `explainFailure`. */
export const openStage = async (input: CommandInput): Promise<Stage> => {
  const config = await input.sdkConfig();
  const endpoint = typeof config.endpoint === 'string' ? config.endpoint : undefined;
  const s3 = new S3Client({ ...config, forcePathStyle: endpoint !== undefined });
  const sqs = new SQSClient(config);
  const outputs = await stackOutputs(new CloudFormationClient(config), input.stackName);
  return {
    name: input.stage,
    region: input.region,
    stackName: input.stackName,
    endpoint,
    s3,
    sqs,
    outputs,
    manifests: new ManifestStore(s3, outputs.ResultsBucketName),
  };
};
