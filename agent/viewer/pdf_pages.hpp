// Internal to agent/viewer/: the PDF page source (poppler-cpp).
#pragma once

#include <memory>

#include "custos/viewer/page_source.hpp"

namespace custos::viewer {

Result<std::unique_ptr<PageSource>> open_pdf(const LockedBuffer& content, Watermark watermark);

}  // namespace custos::viewer
