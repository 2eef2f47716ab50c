// Test documents made in memory: a PDF of N pages (cairo's PDF surface)
// whose page k says `text` and "page k", for the viewer's tests and
// benchmark and the end-to-end tests.
#pragma once

#include <string>
#include <string_view>

namespace custos::viewer::testing {

std::string make_pdf(int pages, std::string_view text);

}  // namespace custos::viewer::testing
