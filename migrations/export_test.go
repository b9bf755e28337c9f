package migrations

// MigrateTo moves db up or down to version v, for tests of one migration.
var MigrateTo = To
