// The error catalogue as a web page, served at /docs/errors: every code of error_codes.def with
// its HTTP status and message, one table row each whose id is the code, so an error's Recommend
// (<public URL>/docs/errors#<Code>) opens at its row. A code made from a pattern
// (MissingDomainName from Missing{}) finds its pattern's row by a line of script.
// docs/errors.md is the same table for readers of the repository.
// Pure function; thread-safe.
#pragma once

#include <string>

namespace liverec::server {

// The page, HTML5 in UTF-8, built once.
const std::string& ErrorCataloguePage();

}  // namespace liverec::server
