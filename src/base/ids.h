// Identifiers that stay unique across nodes without coordination.
//
// NewId: a UUIDv7 (RFC 9562) in lower-case canonical form: 48 bits of UTC milliseconds, then
// a 12-bit counter, then 62 random bits. Ids made later sort later: by the millisecond, and
// within one millisecond of this process by the counter (RFC 9562 §6.2 method 1), which keeps
// "order by creation" exact, cheap and index-friendly on SQLite and PostgreSQL alike.
// NewRequestId: the Alibaba-style request id, an upper-case UUID (random).
#pragma once

#include <string>

#include "base/clock.h"
#include "base/random.h"

namespace liverec {

std::string NewId(const Clock& clock, RandomSource& random);
std::string NewRequestId(RandomSource& random);
// `length` characters drawn from [A-Za-z0-9] (for access keys and secrets).
std::string RandomAlphanumeric(RandomSource& random, size_t length);

}  // namespace liverec
