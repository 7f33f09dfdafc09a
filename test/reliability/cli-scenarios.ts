// Moved to scenarios/cli-scenarios.ts (bench/ shares it); this path stays until test/e2e imports it
// from there.
export * from '../../scenarios/cli-scenarios';
