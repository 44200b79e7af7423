import { defineConfig } from 'vitest/config';

/** Test output shows tests: the worker's EMF metric lines are for CloudWatch, not for people. */
const env = { POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/integration/**', 'tests/infra/**', 'tests/iam/**'],
        },
      },
      {
        // Packages the real CloudFormation with `sls package`: slower, so its own project.
        test: { name: 'infra', env, include: ['tests/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 },
      },
      {
        // Against a real LocalStack: the globalSetup starts it if needed and deploys stage local once.
        test: {
          name: 'integration',
          env,
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/globalSetup.ts'],
          fileParallelism: false,
          // After unit and infra (group 0), before iam, which reads what these tests recorded.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
      {
        // IAM simulation of the calls the integration tests recorded: runs after them (groupOrder).
        test: { name: 'iam', include: ['tests/iam/**/*.test.ts'], sequence: { groupOrder: 2 }, testTimeout: 120_000, hookTimeout: 180_000 },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary', 'html'],
      thresholds: { lines: 80, branches: 75 },
    },
  },
});
