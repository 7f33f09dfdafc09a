import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How a `longform` process ended and what it printed. */
export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `longform` process. */
export interface CliProcess {
  child: ChildProcess;
  /** Kills the process with SIGKILL: tsx runs the CLI in a child node process, so the whole group. */
  kill(): void;
  /** Sends `signal` to the whole group, as Ctrl-C in a terminal does. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once stderr has printed `count` matches of `pattern`; false if the process ended first. */
  waitForStderr(pattern: RegExp, count: number): Promise<boolean>;
  result: Promise<CliResult>;
}

/** How a test starts the CLI, besides its arguments and environment. */
export interface CliStartOptions {
  /** `npm run --silent longform -- ...` from `cwd` (npm changes to the package root), not tsx. */
  viaNpm?: boolean;
  /** The directory the user runs the command in (default: the repository). */
  cwd?: string;
  /** Close the read end of stdout at once, as `longform ... | head -c 0` does. */
  closeStdout?: boolean;
}

/**
 * Starts `tsx cli/main.ts ...args` as its own process, as a user would run it. `env` is added to this
 * process's environment; a Bedrock endpoint is passed on only when given there.
 */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: CliStartOptions = {},
): CliProcess {
  const { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: _ours, ...inherited } = process.env;
  const [command, commandArgs] = options.viaNpm
    ? ['npm', ['--prefix', REPO_ROOT, 'run', '--silent', 'longform', '--', ...args]]
    : [`${REPO_ROOT}node_modules/.bin/tsx`, [`${REPO_ROOT}cli/main.ts`, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a kill reaches the node process tsx starts as well.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout) child.stdout?.destroy();
  const waiters: { seen: () => boolean; resolve: (seen: boolean) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    for (const waiter of [...waiters]) {
      if (waiter.seen()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(true);
      }
    }
  });
  const result = new Promise<CliResult>((resolve) => {
    child.once('close', (exitCode, signal) => {
      for (const waiter of waiters.splice(0)) waiter.resolve(false);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
  return {
    child,
    kill: () => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    },
    signal: (signal) => {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    },
    result,
    waitForStderr: (pattern, count) => {
      const global = new RegExp(pattern.source, 'g');
      const seen = () => (stderr.match(global)?.length ?? 0) >= count;
      return seen() || child.exitCode !== null
        ? Promise.resolve(seen())
        : new Promise((resolve) => waiters.push({ seen, resolve }));
    },
  };
}

/** Runs `longform ...args` to its end. */
export function runCli(
  args: readonly string[],
  env?: Record<string, string>,
  options?: CliStartOptions,
): Promise<CliResult> {
  return startCli(args, env, options).result;
}

/**
 * Waits until a started `longform serve` is ready and returns the `NAME=value` pairs of the first line it
 * printed on stdout, what a user exports. Call it as soon as serve is started: it listens from then on.
 */
export async function serveVariables(serve: CliProcess): Promise<Record<string, string>> {
  const firstLine = new Promise<string>((resolve) => {
    let seen = '';
    serve.child.stdout?.on('data', (text: string) => {
      seen += text;
      if (seen.includes('\n')) resolve(seen.split('\n')[0] as string);
    });
  });
  if (!(await serve.waitForStderr(/Ctrl-C stops/, 1))) {
    throw new Error(`serve ended before it was ready:\n${(await serve.result).stderr}`);
  }
  return Object.fromEntries((await firstLine).split(' ').map((pair) => pair.split('=') as [string, string]));
}
