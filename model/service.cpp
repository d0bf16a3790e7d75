#include "model/service.hpp"

#include <array>

namespace localorgs::model {

Service::Service(const Clock& clock, IdGenerator& ids, ServiceOptions options)
    : clock(clock),
      ids(ids),
      options(std::move(options)),
      organizations(*this),
      tree(*this),
      accounts(*this),
      tags(*this),
      handshakes(*this),
      all_features(*this) {}

const Binding* Service::find(std::string_view operation) const noexcept {
    static const std::array kFamilies = {Organizations::operations(), Tree::operations(),
                                         Accounts::operations(),      Tags::operations(),
                                         Handshakes::operations(),    AllFeatures::operations()};
    for (const auto& family : kFamilies)
        for (const auto& op : family)
            if (op.name == operation) return &op;
    return nullptr;
}

}  // namespace localorgs::model
