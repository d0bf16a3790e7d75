#include "server/faults.hpp"

#include <algorithm>

namespace localorgs::server {

std::string FaultRegistry::add(Fault fault) {
    std::lock_guard lock(mutex_);
    fault.id = "f-" + std::to_string(next_id_++);
    faults_.push_back(fault);
    return fault.id;
}

std::vector<Fault> FaultRegistry::list() const {
    std::lock_guard lock(mutex_);
    return faults_;
}

void FaultRegistry::clear() {
    std::lock_guard lock(mutex_);
    faults_.clear();
}

bool FaultRegistry::remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    return std::erase_if(faults_, [id](const Fault& f) { return f.id == id; }) > 0;
}

std::optional<Fault> FaultRegistry::take(std::string_view operation, std::string_view account_id) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
        return (f.operation == "*" || f.operation == operation) && (f.account_id.empty() || f.account_id == account_id);
    });
    if (it == faults_.end()) return std::nullopt;
    Fault e = *it;
    if (--it->remaining <= 0) faults_.erase(it);
    return e;
}

}  // namespace localorgs::server
