/**
 * One line for the failures a user meets first, instead of an SDK stack trace: LocalStack down,
 * stack not deployed, no or expired credentials, access denied. Anything else keeps its message.
 */
import type { CommandInput } from './plugin.js';

interface AwsLikeError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly cause?: unknown;
}

const codeOf = (error: AwsLikeError): string | undefined =>
  error.code ?? (error.cause as AwsLikeError | undefined)?.code ?? (error as { errors?: AwsLikeError[] }).errors?.[0]?.code;

/** @example explainFailure(new Error('connect ECONNREFUSED 127.0.0.1:4566'), input, 'http://127.0.0.1:4566') */
export const explainFailure = (error: unknown, input: Pick<CommandInput, 'stage' | 'region' | 'stackName'>, endpoint?: string): string => {
  const failure = (error ?? {}) as AwsLikeError;
  const message = failure.message ?? String(error);
  const code = codeOf(failure);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return input.stage === 'local' || endpoint !== undefined
      ? `LocalStack is not answering at ${endpoint ?? 'its endpoint'}: start it with 'npm run localstack:start' (or 'npm start'), then deploy with 'sls deploy --stage ${input.stage}'`
      : `cannot connect to AWS in ${input.region}: ${message}`;
  }
  if (failure.name === 'ValidationError' && /does not exist/.test(message)) {
    return `stack ${input.stackName} is not deployed in ${input.region}: deploy it with 'sls deploy --stage ${input.stage}'`;
  }
  if (/outputs .* missing/.test(message))
    return `stack ${input.stackName} in ${input.region} is incomplete (${message}): deploy it again with 'sls deploy --stage ${input.stage}'`;
  if (failure.name === 'CredentialsProviderError' || /Could not load credentials/.test(message)) {
    return `no AWS credentials for stage '${input.stage}': set AWS_PROFILE (or pass --aws-profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (failure.name === 'ExpiredToken' || failure.name === 'ExpiredTokenException')
    return `your AWS credentials for stage '${input.stage}' have expired: refresh them`;
  if (failure.name === 'AccessDenied' || failure.name === 'AccessDeniedException' || failure.$metadata?.httpStatusCode === 403) {
    return `access denied on stage '${input.stage}' (${message}): these credentials may not operate this stack`;
  }
  return message;
};
