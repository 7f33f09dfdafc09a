import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/local-dynamodb';

/**
 * The environment that sends a process's rounds to a Bedrock endpoint of this machine (the emulator, or a
 * gate in front of it), set the way a user points Longform at any Bedrock-compatible endpoint: the
 * endpoint, a region and credentials, here the local ones, so nothing looks for real credentials.
 */
export function localBedrockEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

/** Runs `body` with `environment` set in this process's environment, and restores what was there. */
export async function withEnvironment<T>(
  environment: Record<string, string>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
