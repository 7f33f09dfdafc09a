// Moved to scenarios/cli-process.ts (bench/ shares it); this path stays until the tests outside
// test/reliability import it from there.
export * from '../../scenarios/cli-process';
