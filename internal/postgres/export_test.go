package postgres

// AnalyzeLoad is analyzeLoad, for the tests of package postgres_test.
const AnalyzeLoad = analyzeLoad
