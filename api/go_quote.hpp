// api/go_quote.hpp: strings quoted the way the API server's messages quote them.
//
// Contract: quote(s) == Go's strconv.Quote(s) (fmt %q): printable text as is, '"' and '\\'
// backslashed, \a \b \f \n \r \t \v, other control bytes and invalid UTF-8 bytes as \xNN, other
// non-printable runes as \uNNNN or \UNNNNNNNN. Unassigned code points print as they are (Go's
// tables would escape them).
#pragma once

#include <string>
#include <string_view>

namespace api {

std::string quote(std::string_view s);

}  // namespace api
