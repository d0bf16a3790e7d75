#pragma once
#include "storage/sqlite.hpp"

namespace localorgs::storage {

// The newest schema version this build knows.
int latest_schema_version();

// Applies every numbered migration the database has not recorded yet, each in its own
// transaction, and records it in schema_migrations. Returns the resulting schema version.
// `up_to` stops at that version (tests of a migration build the database it starts from).
int migrate(Connection& conn, int up_to = latest_schema_version());

}  // namespace localorgs::storage
