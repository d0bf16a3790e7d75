#pragma once
// First stop of every request: the control plane owns /_localorgs/* and /_localstack/* (and a
// browser's GET of /, which leads to the web console), the AWS API everything else. The AWS API
// writes its own request lines (it knows the caller and the operation); the control plane's are
// written here.
#include <chrono>
#include <string>

#include "server/api.hpp"
#include "server/control/control_plane.hpp"
#include "server/log.hpp"
#include "server/url.hpp"

namespace localorgs::server {

inline Handler make_router(AwsApi& api, ControlPlane& control) {
    return [&api, &control](Request&& request, Respond respond) {
        if (!ControlPlane::owns(request)) return api.handle(std::move(request), std::move(respond));
        if (!log::enabled(log::Level::info)) return control.handle(std::move(request), std::move(respond));
        // "METHOD /path": without the query, which may carry an email address.
        std::string operation(request.method_string());
        operation.append(" ").append(url::path(request.target()));
        control.handle(std::move(request), [respond = std::move(respond), operation = std::move(operation),
                                            started = std::chrono::steady_clock::now()](Response res) {
            log::request({"-", "-", operation, res.result_int(), ControlPlane::error_of(res), started});
            respond(std::move(res));
        });
    };
}

}  // namespace localorgs::server
