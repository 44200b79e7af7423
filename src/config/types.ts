/** A routing rule: objects under `prefix` ending in one of `suffixes` go to `processor`. */
export interface Route {
  readonly id: string;
  /** Non-empty and ending in `/`, so IAM can scope reads to it. */
  readonly prefix: string;
  readonly suffixes: readonly string[];
  /** A name from `src/processors/registry.ts`; checked by `checkRoutes`. */
  readonly processor: string;
  /** Processor-specific; each processor validates its own options. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export const STAGES = ['dev', 'prod', 'local'] as const;
export type Stage = (typeof STAGES)[number];

export const ARCHITECTURES = ['arm64', 'x86_64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Everything that differs between stages; see `settings.ts` for defaults and variables. */
export interface StageSettings {
  readonly stage: Stage;
  readonly region: string;
  readonly architecture: Architecture;
  readonly memorySize: number;
  readonly workerTimeoutSeconds: number;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly maxReceives: number;
  readonly recordConcurrency: number;
  readonly maxObjectBytes: number;
  readonly oldestMessageAlarmSeconds: number;
  readonly alarmEmail: string | undefined;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}
