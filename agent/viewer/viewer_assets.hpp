// The viewer's page and script, served by the loopback server. Internal to
// agent/viewer/. They hold no document text: the page shows images only.
#pragma once

#include <string>
#include <string_view>

namespace custos::viewer {

// The HTML shell for a document of `pages` pages; `label` is what the title
// bar says (the document's number, never its title or text).
std::string viewer_html(std::string_view label, int pages);

// The script: navigation, zoom, the liveness poll that blanks the page when
// the view is closed, no context menu, no save/print shortcuts.
extern const std::string_view kViewerScript;

}  // namespace custos::viewer
