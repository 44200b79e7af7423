/**
 * The per-file summary, in memory bounded whatever the file: fixed counters, a quantile sketch
 * of ~2048 bins at most, status codes (at most 1000 distinct) and two Space-Saving tables.
 */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { type HeavyHitter, SpaceSaving } from './heavyHitters.js';
import type { LogRecord } from './record.js';
import { TimeRange } from './timeRange.js';

/** Relative accuracy 1%: a reported p99 of 200 ms means 198–202 ms. */
const SKETCH_ACCURACY = 0.01;
const SKETCH_BINS = 2048;
const TOP_ENTRIES = 20;
const TOP_STATUS_CODES = 10;
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
type StatusClass = (typeof STATUS_CLASSES)[number];

export interface LineCounts {
  linesIn: number;
  linesOut: number;
  linesRejected: number;
}

export interface LogSummary {
  readonly format: string | null;
  readonly lines: { readonly in: number; readonly out: number; readonly rejected: number };
  readonly requests: {
    readonly byStatusClass: Readonly<Record<StatusClass, number>>;
    readonly topStatusCodes: readonly { readonly status: number; readonly count: number }[];
  };
  readonly bytesSent: number;
  readonly latencyMs: { readonly count: number; readonly p50: number | null; readonly p90: number | null; readonly p99: number | null };
  readonly topPaths: readonly HeavyHitter[];
  readonly topClients: readonly HeavyHitter[];
  readonly timestamps: { readonly first: string | null; readonly last: string | null };
}

const statusClassOf = (status: number | null): StatusClass => {
  const hundreds = status === null ? 0 : Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? (STATUS_CLASSES[hundreds - 1] ?? 'other') : 'other';
};

/** Three significant digits: the sketch is accurate to 1%, more digits would be noise. */
const rounded = (value: number): number => Number(value.toPrecision(3));

export class SummaryBuilder {
  private readonly byClass: Record<StatusClass, number> = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 };
  /** Counts by status code, 0–999: an array, as every line updates it. */
  private readonly statusCodes = new Float64Array(1000);
  private readonly latency = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: SKETCH_ACCURACY, binLimit: SKETCH_BINS });
  private readonly paths: SpaceSaving;
  private readonly clients: SpaceSaving;
  private bytesSent = 0;
  private readonly times = new TimeRange();

  constructor(topCapacity: number) {
    this.paths = new SpaceSaving(topCapacity);
    this.clients = new SpaceSaving(topCapacity);
  }

  /** @example builder.add(record); builder.summary(counts, 'alb') */
  add(record: LogRecord): void {
    this.times.addText(record.timestamp);
    this.addRequest(record.client, record.path, record.status, record.bytes, record.latencyMs);
  }

  /** A time with a 4-digit year, as epoch ms: the same as a record's `timestamp` of `new Date(ms).toISOString()`. */
  addTimeMs(ms: number): void {
    this.times.addFourDigitYearMs(ms);
  }

  /** The summary's part of a record but its time, for callers that never build one (the ALB fast path, with `addTimeMs`). */
  addRequest(client: string | null, path: string | null, status: number | null, bytes: number | null, latencyMs: number | null): void {
    this.byClass[statusClassOf(status)]++;
    if (status !== null) this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
    this.bytesSent += bytes ?? 0;
    if (latencyMs !== null) this.latency.accept(latencyMs);
    if (path !== null) this.paths.add(path);
    if (client !== null) this.clients.add(client);
  }

  summary(counts: LineCounts, format: string | null): LogSummary {
    const quantile = (q: number): number | null => (this.latency.count === 0 ? null : rounded(this.latency.getValueAtQuantile(q)));
    const topStatusCodes = [...this.statusCodes.entries()]
      .filter(([, count]) => count > 0)
      .sort(([a, countA], [b, countB]) => countB - countA || a - b)
      .slice(0, TOP_STATUS_CODES)
      .map(([status, count]) => ({ status, count }));
    return {
      format,
      lines: { in: counts.linesIn, out: counts.linesOut, rejected: counts.linesRejected },
      requests: { byStatusClass: { ...this.byClass }, topStatusCodes },
      bytesSent: this.bytesSent,
      latencyMs: { count: this.latency.count, p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99) },
      topPaths: this.paths.top(TOP_ENTRIES),
      topClients: this.clients.top(TOP_ENTRIES),
      timestamps: { first: this.times.firstText, last: this.times.lastText },
    };
  }
}
