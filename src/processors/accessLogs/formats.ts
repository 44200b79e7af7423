/** The line parser of each format, and `auto`: the format told by the first non-empty line. */
import { parseAlbLine } from './alb.js';
import { CloudFrontParser } from './cloudfront.js';
import { jsonLineParser } from './jsonLines.js';
import type { AccessLogOptions, LogFormat } from './options.js';
import { type LineResult, shown } from './record.js';

export type ConcreteFormat = Exclude<LogFormat, 'auto'>;
export type LineParser = (line: string) => LineResult;

const ALB_START = /^(https?|h2|grpcs|wss?) \d{4}-\d{2}-\d{2}T/;
const CLOUDFRONT_START = /^\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\t/;

/**
 * @example detectFormat('#Version: 1.0') === 'cloudfront'
 * @returns undefined when the line looks like none of the formats
 */
export const detectFormat = (line: string): ConcreteFormat | undefined => {
  if (line.startsWith('#Version:') || line.startsWith('#Fields:') || CLOUDFRONT_START.test(line)) return 'cloudfront';
  if (line.startsWith('{')) return 'jsonl';
  return ALB_START.test(line) ? 'alb' : undefined;
};

export const undetectedReason = (line: string): string =>
  `format: the first line must start like an ALB, CloudFront or JSON-lines log (or set options.format), ${shown(line)} given`;

/** A new parser per file: the CloudFront one keeps the latest `#Fields:` list. */
export const lineParser = (format: ConcreteFormat, options: AccessLogOptions): LineParser => {
  const { sourceFields } = options;
  if (format === 'alb') return (line) => parseAlbLine(line, sourceFields);
  if (format === 'jsonl') return jsonLineParser(options.json, options.latencyUnit, sourceFields);
  const cloudFront = new CloudFrontParser(sourceFields);
  return (line) => cloudFront.parse(line);
};
