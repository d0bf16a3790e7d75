#include "server/quotas.hpp"

#include "server/config.hpp"

namespace localorgs::server {

nlohmann::json quotas_json(const model::Quotas& q) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& f : kQuotaFields) {
        if (f.value)
            out[std::string(f.name)] = q.*f.value;
        else
            out[std::string(f.name)] =
                q.*f.optional ? nlohmann::json(*(q.*f.optional)) : nlohmann::json(nullptr);
    }
    return out;
}

void apply_quotas(const nlohmann::json& body, const std::string& where, model::Quotas& q) {
    if (!body.is_object()) throw config_error(where + ": expected an object");
    model::Quotas changed = q;
    for (const auto& [key, v] : body.items()) {
        const QuotaField* field = nullptr;
        for (const auto& f : kQuotaFields)
            if (f.name == key) field = &f;
        if (!field) throw config_error(where + ": unknown key '" + key + "'");
        if (v.is_null() && field->optional) {
            changed.*field->optional = std::nullopt;
            continue;
        }
        if (!v.is_number_integer() || v.get<long long>() < field->min || v.get<long long>() > 1'000'000'000)
            throw config_error(where + "." + key + ": expected an integer from " +
                               std::to_string(field->min) + " to 1000000000" +
                               (field->optional ? ", or null" : ""));
        if (field->value)
            changed.*field->value = v.get<int>();
        else
            changed.*field->optional = v.get<int>();
    }
    q = changed;
}

}  // namespace localorgs::server
