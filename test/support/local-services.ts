// Moved to scenarios/local-services.ts (bench/ shares it); this path stays until the tests outside
// test/reliability import it from there.
export * from '../../scenarios/local-services';
