/** The service name: the prefix of every stack, bucket, queue, function and metric of ours. */
export const SERVICE = 'file-processor';

/** osls names a stage's stack `<service>-<stage>`. */
export const stackNameFor = (stage: string): string => `${SERVICE}-${stage}`;

/** Lift names the worker of the `jobs` queue `jobsWorker`; osls prefixes the stack name. */
export const workerFunctionNameFor = (stage: string): string => `${stackNameFor(stage)}-jobsWorker`;
