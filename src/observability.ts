/**
 * Structured JSON logs and CloudWatch EMF metrics (Powertools). Service name, namespace and
 * log level come from POWERTOOLS_* variables set in `serverless.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics();
