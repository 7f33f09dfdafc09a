// Moved to scenarios/local-services.ts (bench/ shares it); this path stays until the tests that import
// it from here import it from there.
export * from '../../scenarios/local-services';
