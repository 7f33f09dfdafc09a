// Moved to scenarios/cli-process.ts (bench/ shares it); this path stays until the tests that import it
// from here import it from there.
export * from '../../scenarios/cli-process';
