#include "storage/repository.hpp"

namespace localorgs::storage {

SqliteParts::SqliteParts(Connection& conn)
    : statements(conn),
      accounts_(sqlite_accounts(statements)),
      organizations_(sqlite_organizations(statements)),
      tags_(sqlite_tags(statements)),
      handshakes_(sqlite_handshakes(statements)),
      outbox_(sqlite_outbox(statements)),
      settings_(sqlite_settings(statements)) {}

SqliteRepository::SqliteRepository(Connection& conn)
    : SqliteParts(conn),
      model::Repository(*accounts_, *organizations_, *tags_,
                        *handshakes_, *outbox_, *settings_) {}

void SqliteRepository::wipe() {
    statements.connection().exec(
        "DELETE FROM tags; DELETE FROM accounts; DELETE FROM organizations; DELETE FROM settings;"
        " DELETE FROM handshakes; DELETE FROM outbox; DELETE FROM invite_minutes;");
}

}  // namespace localorgs::storage
