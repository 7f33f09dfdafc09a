import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The repository root, where package.json and its `exports` are. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the SDK entry (client/index.ts) into `<packageDir>/dist/client.js`, what package.json's
 * `exports` name for `longform` and `longform/client`: one ES module for Node 20+, its dependencies (the
 * AWS SDK clients, zod) left to the installing project's node_modules.
 */
export async function bundleClient(packageDir: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'client/index.ts')],
    outfile: join(packageDir, 'dist/client.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

/** A relative module specifier without a file extension, as the sources write them (Bundler resolution). */
const EXTENSIONLESS = /(from\s+|import\()(['"])(\.\.?\/(?:[^'"]*\/)?[^./'"]+)\2/g;

/**
 * Gives the relative imports of declaration files their `.js`, which ES modules need, so a project that
 * resolves modules as Node does (`NodeNext`) reads the types as well as one using a bundler.
 */
export function withJsExtensions(declarations: string): string {
  return declarations.replace(EXTENSIONLESS, '$1$2$3.js$2');
}

// `npm run build`: the bundle, then its type declarations (dist/types, as `exports` names them).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleClient(ROOT);
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const types = join(ROOT, 'dist/types');
  for (const file of await readdir(types, { recursive: true })) {
    if (!file.endsWith('.d.ts')) continue;
    const path = join(types, file);
    await writeFile(path, withJsExtensions(await readFile(path, 'utf8')));
  }
}
