#pragma once
// The AWS operations as the server runs them: each of the service model's operations with its
// generated codec (server/wire/api_codec.cpp) and, when localorgs implements it, the model's
// operation (model::Service::find). There are no hand-written adapters: adding an operation to
// the model is enough for the server to decode, run and encode it (docs/ARCHITECTURE.md).
#include <string_view>
#include <vector>

#include "model/service.hpp"
#include "server/wire/api_codec.hpp"

namespace localorgs::server {

struct Operation {
    const wire::OperationCodec* codec = nullptr;
    const model::Binding* binding = nullptr;  // nullptr: not implemented (NotImplementedException)
};

class OperationTable {
public:
    explicit OperationTable(const model::Service& service) {
        for (const auto& codec : wire::operation_codecs())
            entries_.push_back({&codec, service.find(codec.name)});
    }
    // The operation with this wire name; codec nullptr when the service model has none.
    Operation find(std::string_view name) const noexcept {
        std::size_t lo = 0, hi = entries_.size();
        while (lo < hi) {  // the codecs are in name order
            std::size_t mid = (lo + hi) / 2;
            if (entries_[mid].codec->name < name)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < entries_.size() && entries_[lo].codec->name == name) return entries_[lo];
        return {};
    }

    // Describe* and List* operations only read (unless they meet a caller for the first time, or a
    // handshake whose expiry is due to be recorded): they may run beside the database thread.
    static bool reads_only(std::string_view name) noexcept {
        return name.starts_with("Describe") || name.starts_with("List");
    }

private:
    std::vector<Operation> entries_;
};

}  // namespace localorgs::server
