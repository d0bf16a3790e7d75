#include "server/operations/operations.hpp"

namespace localorgs::server::operations {

Operation find(std::string_view name) noexcept {
    for (auto family : {organization_operations(), handshake_operations()})
        for (const auto& e : family)
            if (e.name == name) return e.run;
    return nullptr;
}

}  // namespace localorgs::server::operations
