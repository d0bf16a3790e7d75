#include "model/types.hpp"

namespace localorgs::model {

AccountRecord default_account(const std::string& id) {
    AccountRecord a;
    a.id = id;
    a.email = "account-" + id + "@example.com";
    a.name = "Account " + id;
    return a;
}

}  // namespace localorgs::model
