#pragma once
#include "storage/sqlite.hpp"

namespace localorgs::storage {

// Applies every numbered migration the database has not recorded yet, each in its own
// transaction, and records it in schema_migrations. Returns the resulting schema version.
int migrate(Connection& conn);

// The newest schema version this build knows.
int latest_schema_version();

}  // namespace localorgs::storage
