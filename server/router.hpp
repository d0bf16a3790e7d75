#pragma once
// First stop of every request: the control plane owns /_localorgs/* and /_localstack/*, the AWS
// API everything else.
#include "server/api.hpp"
#include "server/control/control_plane.hpp"

namespace localorgs::server {

inline Handler make_router(AwsApi& api, ControlPlane& control) {
    return [&api, &control](Request&& request, Respond respond) {
        if (ControlPlane::owns(request.target()))
            control.handle(std::move(request), std::move(respond));
        else
            api.handle(std::move(request), std::move(respond));
    };
}

}  // namespace localorgs::server
