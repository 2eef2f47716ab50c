// `custos print preview FILE --out OUT.pdf`: the file made into pages and
// stamped with a PREVIEW mark, to check a layout before asking to print.
// Local files only: vault content reaches a printer through the agent alone.
#pragma once

#include <filesystem>
#include <string>

namespace custos::cli {

int preview_file(const std::string& input, const std::filesystem::path& out);

}  // namespace custos::cli
