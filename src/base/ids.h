// Identifiers that stay unique across nodes without coordination.
//
// NewId: a UUIDv7 (RFC 9562) in lower-case canonical form: 48 bits of UTC milliseconds, then
// a 12-bit counter, then 62 random bits. Ids made later sort later: by the millisecond, and
// within one millisecond of this process by the counter (RFC 9562 §6.2 method 1), which keeps
// "order by creation" exact, cheap and index-friendly on SQLite and PostgreSQL alike.
// NewRequestId: the Alibaba-style request id, an upper-case UUID (random).
// NameBasedId: the same id every time for the same (namespace, name): a UUIDv8 made from
// SHA-256(namespace bytes + name) as in RFC 9562 Appendix B.2, for ids that must be derived
// again after a crash (e.g. the callback event of a recording file).
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/random.h"

namespace liverec {

std::string NewId(const Clock& clock, RandomSource& random);
std::string NewRequestId(RandomSource& random);
// `name_space` is a UUID in canonical text form (hex digits, any case, with hyphens); returns ""
// when it is not one.
std::string NameBasedId(std::string_view name_space, std::string_view name);
// `length` characters drawn from [A-Za-z0-9] (for access keys and secrets).
std::string RandomAlphanumeric(RandomSource& random, size_t length);

}  // namespace liverec
