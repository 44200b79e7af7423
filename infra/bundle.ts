/**
 * The esbuild options that shape the worker's bundle: `serverless.ts` packages with them
 * (serverless-esbuild) and `bench/coldStart` measures the same bundle.
 */
export const WORKER_BUNDLE = {
  bundle: true,
  minify: false,
  sourcemap: true,
  target: 'node24',
  platform: 'node',
  format: 'esm',
  // sharp ships a native binary per platform: installed by the packager, not bundled, for the
  // worker's architecture rather than the machine that packages it. The Tracer is loaded only
  // when TRACING=on: bundled, its X-Ray SDK would be parsed at every cold start.
  external: ['sharp', '@aws-lambda-powertools/tracer'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
} as const;
