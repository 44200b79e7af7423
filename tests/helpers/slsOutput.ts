/** Reading what `npx sls …` printed, and running it in the environment a user has. */

/** The handler's response: `invoke local` prints it last, as indented JSON from a `{` line to a `}` line. */
export const printedResponse = (output: string): unknown => {
  const lines = output.split('\n');
  const start = lines.lastIndexOf('{');
  const end = lines.indexOf('}', start);
  if (start === -1 || end === -1) throw new Error(`no response printed:\n${output}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n'));
};

/**
 * Environment overrides for `runSls` that remove what the test process may have exported for
 * LocalStack or AWS (the integration setup exports LocalStack's endpoint and test credentials,
 * and a 1 s worker timeout): the command then gets only what the configuration supplies.
 */
export const WITHOUT_AWS_ENV: Readonly<Record<string, undefined>> = {
  AWS_ENDPOINT_URL: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  WORKER_TIMEOUT_SECONDS: undefined,
};
