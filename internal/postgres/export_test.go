package postgres

// AnalyzeLoad is analyzeLoad, for the tests of package postgres_test.
const AnalyzeLoad = analyzeLoad

// ListBatch is listBatch.
const ListBatch = listBatch
