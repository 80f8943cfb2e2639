// The HTTP request and response as the API layer sees them: the net layer's plain values.
#pragma once

#include "net/http_message.h"

namespace liverec::api {

using ApiRequest = net::HttpRequest;
using ApiResponse = net::HttpResponse;

}  // namespace liverec::api
