#pragma once
// The AWS operations as the server runs them: each of the service model's operations with its
// generated codec (server/wire/api_codec.cpp) and, when localorgs implements it, the model's
// operation (model::Service::find). There are no hand-written adapters: adding an operation to
// the model is enough for the server to decode, run and encode it (docs/ARCHITECTURE.md).
#include <algorithm>
#include <span>
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
    // `withheld`: operations answered as not implemented although the model has them (tests use
    // it for the 501 an operation gets when the service model has it before localorgs does).
    explicit OperationTable(const model::Service& service, std::span<const std::string_view> withheld = {}) {
        for (const auto& codec : wire::operation_codecs()) {
            const bool held = std::find(withheld.begin(), withheld.end(), codec.name) != withheld.end();
            entries_.push_back({&codec, held ? nullptr : service.find(codec.name)});
        }
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
