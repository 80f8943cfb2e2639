// Helpers for PostgreSQL connection URLs (postgresql://user:password@host:port/dbname?params):
// the form shown in logs and messages, with the password masked, and the `?` placeholders of
// portable SQL rewritten as PostgreSQL's `$n`. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace liverec::metadata {

// `url` with the password (after "user:" in the authority, or a `password=` parameter) replaced
// by "***". Anything that is not a URL is returned as "(connection string)".
std::string MaskDatabaseUrl(std::string_view url);

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view url);

// `url` naming the database `dbname` instead of its own (tests make databases of their own).
std::string WithDatabaseName(std::string_view url, std::string_view dbname);

// Rewrites each `?` placeholder as $1, $2, ... (outside string literals, quoted identifiers and
// comments) and returns how many there were.
std::string NumberPlaceholders(std::string_view sql, int* count = nullptr);

}  // namespace liverec::metadata
