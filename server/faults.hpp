#pragma once
// Injected failures (control plane /_localorgs/faults): the next Count matching calls fail with
// the given AWS error before anything runs, so clients' retry and error paths can be tested.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/wire_error.hpp"

namespace localorgs::server {

struct Fault {
    std::string id;
    std::string operation;  // an operation name or "*"
    std::string error;    // the AWS __type: of the service (model/errors.def) or the protocol; or
    std::string failure_reason;  // a CreateAccount that does not fail but ends FAILED with this reason
    std::string message;  // "" = the error's default message
    std::string reason;   // "" = no Reason
    int remaining = 1;
    std::string account_id;  // "" = any caller
};

class FaultRegistry {
public:
    std::string add(Fault fault);  // returns its id
    std::vector<Fault> list() const;
    void clear();
    bool remove(std::string_view id);  // false when no fault has this id
    // Consumes one firing of the first fault that matches this call, if any.
    std::optional<Fault> take(std::string_view operation, std::string_view account_id);

private:
    mutable std::mutex mutex_;
    std::vector<Fault> faults_;
    std::uint64_t next_id_ = 1;
};

}  // namespace localorgs::server
