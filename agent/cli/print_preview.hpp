// `custos print preview DOC-or-FILE --out OUT.pdf`: a layout check before
// asking to print (docs/printing.md, "Preview").
//   - a local PDF, text or CSV file is laid out and stamped here, with a
//     PREVIEW mark;
//   - a vault document (a number) is previewed by the workstation's agent:
//     it fetches the content with the user's session and its own credential
//     (the vault checks the grant and the print rule and audits the
//     release), lays it out in memory and answers only the stamp over blank
//     pages of the same number and sizes, so nothing of the content reaches
//     OUT.pdf or any other file.
// OUT.pdf is written only when the preview succeeds.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "custos/platform/error.hpp"

namespace custos::cli {

// Asks the agent at `socket` (agent_socket()) to do `request` with the
// user's saved session; its answer, or the error it answered (unavailable
// when no agent listens there).
Result<boost::json::value> ask_print_agent(boost::json::object request, const std::string& socket,
                                           std::chrono::seconds wait, std::size_t max_answer = 64 * 1024);

int preview(const std::string& input, const std::filesystem::path& out, const std::string& socket);

}  // namespace custos::cli
