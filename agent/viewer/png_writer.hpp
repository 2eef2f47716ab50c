// PNG encoding of a drawn page into locked memory. Internal to agent/viewer/.
//
// cairo's own PNG writer keeps the alpha channel and compresses at zlib's
// default level, which made encoding most of a page's render time; pages
// are opaque and shown once, so this writes 8-bit RGB at the fastest zlib
// level with the "up" filter (rows of a page repeat their neighbours).
#pragma once

#include <cairo.h>

#include "custos/platform/error.hpp"
#include "custos/viewer/locked_buffer.hpp"

namespace custos::viewer {

// Encodes an ARGB32 or RGB24 image surface (alpha ignored) as PNG into `out`.
Result<void> write_png(cairo_surface_t* surface, LockedBuffer& out);

}  // namespace custos::viewer
