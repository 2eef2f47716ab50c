// Internal to agent/viewer/: plain text, CSV and XLSX page sources (cairo +
// pango).
#pragma once

#include <memory>

#include "custos/viewer/page_source.hpp"

namespace custos::viewer {

Result<std::unique_ptr<PageSource>> open_text(const LockedBuffer& content, Watermark watermark);
Result<std::unique_ptr<PageSource>> open_csv(const LockedBuffer& content, Watermark watermark);
// One section per worksheet (see xlsx_reader.hpp for what is read and
// refused).
Result<std::unique_ptr<PageSource>> open_xlsx(const LockedBuffer& content, Watermark watermark);

// Display columns of UTF-8 text: 2 for East Asian wide characters, 1 else.
std::size_t display_width(std::string_view text) noexcept;

}  // namespace custos::viewer
