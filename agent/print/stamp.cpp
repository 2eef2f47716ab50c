#include "custos/print/stamp.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <qrencode.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "cairo_support.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/print/pdf_input.hpp"

namespace custos::print {
namespace {

constexpr double kHeaderPoints = 7.5;
constexpr double kQrPoints = 64;   // the QR code's side; ≥ 3 pixels a module at 150 dpi
constexpr double kEdge = 10;       // from the paper's edge

struct PageBox {
  double x = 0, y = 0, width = 0, height = 0;
};

// The QR code's dark modules, made once for every page.
struct QrModules {
  int size = 0;
  std::vector<bool> dark;
};

Result<QrModules> encode_qr(const std::string& text) {
  QrModules out;
  if (text.empty()) return out;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) return fail(ErrorCode::internal, "the trace code does not fit a QR code");
  out.size = qr->width;
  out.dark.resize(static_cast<std::size_t>(qr->width) * qr->width);
  for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (qr->data[i] & 1) != 0;
  return out;
}

void draw_qr(cairo_t* cr, const QrModules& qr, double x, double y) {
  if (qr.size == 0) return;
  const double quiet = 4, module = kQrPoints / (qr.size + 2 * quiet);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, kQrPoints, kQrPoints);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < qr.size; ++row) {
    for (int col = 0; col < qr.size; ++col) {
      if (qr.dark[static_cast<std::size_t>(row) * qr.size + col]) {
        cairo_rectangle(cr, x + (quiet + col) * module, y + (quiet + row) * module, module, module);
      }
    }
  }
  cairo_fill(cr);
}

void draw_diagonal(cairo_t* cr, PangoLayout* layout, const StampText& text, double width, double height) {
  const double diagonal = std::hypot(width, height);
  const std::string mark = text.preview ? "PREVIEW 预览\n受控文件 CONTROLLED DOCUMENT" : "受控文件\nCONTROLLED DOCUMENT";
  set_font(layout, diagonal / 22);
  pango_layout_set_width(layout, -1);
  pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text(layout, mark.c_str(), -1);
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  cairo_save(cr);
  cairo_translate(cr, width / 2, height / 2);
  cairo_rotate(cr, -std::atan2(height, width));
  cairo_translate(cr, -w / 2.0 / PANGO_SCALE, -h / 2.0 / PANGO_SCALE);
  if (text.preview) {
    cairo_set_source_rgba(cr, 0.1, 0.2, 0.8, 0.16);
  } else {
    cairo_set_source_rgba(cr, 0.75, 0.05, 0.05, 0.14);
  }
  pango_cairo_show_layout(cr, layout);
  cairo_restore(cr);
}

void draw_header(cairo_t* cr, PangoLayout* layout, const std::string& line, double width) {
  set_font(layout, kHeaderPoints);
  pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
  pango_layout_set_width(layout, static_cast<int>((width - 2 * kEdge) * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout, line.c_str(), -1);
  cairo_set_source_rgb(cr, 0.55, 0.0, 0.0);
  cairo_move_to(cr, kEdge, kEdge / 2);
  pango_cairo_show_layout(cr, layout);
}

// The stamp as one PDF: first one "mark" page per distinct page size — the
// diagonal mark and the QR code, the same on every page of that size — then
// one header page per page of the document. Drawing the heavy part once and
// placing it on every page is what keeps stamping near qpdf's own overlay
// speed.
struct StampLayers {
  std::string pdf;
  std::vector<std::size_t> mark_of;  // per document page: its mark page's index
  std::size_t marks = 0;
};

Result<StampLayers> render_stamps(const std::vector<PageBox>& boxes, const StampText& text) {
  auto qr = encode_qr(text.code);
  if (!qr) return fail(qr.error());
  StampLayers out;
  std::vector<std::pair<double, double>> sizes;
  for (const auto& box : boxes) {
    std::size_t index = 0;
    while (index < sizes.size() && !(sizes[index].first == box.width && sizes[index].second == box.height)) ++index;
    if (index == sizes.size()) sizes.emplace_back(box.width, box.height);
    out.mark_of.push_back(index);
  }
  out.marks = sizes.size();
  PdfSurface surface(out.pdf, boxes.front().width, boxes.front().height);
  if (!surface) return fail(ErrorCode::internal, "cairo could not start a PDF");
  Cairo cr(surface.get());
  PangoLayoutPtr layout(pango_cairo_create_layout(cr.get()));
  for (const auto& [width, height] : sizes) {
    cairo_pdf_surface_set_size(surface.get(), width, height);
    draw_diagonal(cr.get(), layout.get(), text, width, height);
    draw_qr(cr.get(), *qr, width - kEdge - kQrPoints, height - kEdge - kQrPoints);
    cairo_show_page(cr.get());
  }
  const int pages = static_cast<int>(boxes.size());
  for (int i = 0; i < pages; ++i) {
    const auto& box = boxes[static_cast<std::size_t>(i)];
    cairo_pdf_surface_set_size(surface.get(), box.width, box.height);
    draw_header(cr.get(), layout.get(), header_line(text, i + 1, pages), box.width);
    cairo_show_page(cr.get());
  }
  cr.reset();
  if (auto finished = surface.finish(); !finished) return fail(finished.error());
  return out;
}

PageBox box_of(QPDFPageObjectHelper& page) {
  const auto rect = page.getTrimBox(false).getArrayAsRectangle();
  return PageBox{rect.llx, rect.lly, rect.urx - rect.llx, rect.ury - rect.lly};
}

// Places `form` over the page under a fresh resource name; the content
// operators that draw it.
std::string place(QPDFPageObjectHelper& page, QPDFObjectHandle& resources, QPDFObjectHandle form) {
  int suffix = 0;
  const auto name = resources.getUniqueResourceName("/CustosStamp", suffix);
  const auto placed = page.placeFormXObject(form, name, page.getTrimBox(false).getArrayAsRectangle(), false, true, true);
  if (!placed.empty()) resources.getKey("/XObject").replaceKey(name, form);
  return placed;
}

Result<Bytes> overlay(std::span<const std::uint8_t> pdf, const StampText& text) {
  QPDF doc;
  doc.setSuppressWarnings(true);
  doc.setAttemptRecovery(false);
  doc.processMemoryFile("document", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  QPDFPageDocumentHelper pages_of(doc);
  pages_of.pushInheritedAttributesToPage();
  auto pages = pages_of.getAllPages();
  std::vector<PageBox> boxes;
  boxes.reserve(pages.size());
  for (auto& page : pages) {
    auto box = box_of(page);
    if (!(box.width > 1 && box.height > 1 && box.width < 15000 && box.height < 15000)) {
      return fail(ErrorCode::invalid_argument, "a page of the PDF has no usable size; nothing was printed");
    }
    boxes.push_back(box);
  }
  auto layers = render_stamps(boxes, text);
  if (!layers) return fail(layers.error());
  QPDF stamps;
  stamps.processMemoryFile("stamp", layers->pdf.data(), layers->pdf.size());
  auto stamp_pages = QPDFPageDocumentHelper(stamps).getAllPages();
  if (stamp_pages.size() != layers->marks + pages.size()) {
    return fail(ErrorCode::internal, "the stamp has the wrong page count");
  }
  std::vector<QPDFObjectHandle> marks;
  for (std::size_t m = 0; m < layers->marks; ++m) {
    marks.push_back(doc.copyForeignObject(stamp_pages[m].getFormXObjectForPage()));
  }
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto& page = pages[i];
    auto resources = page.getAttribute("/Resources", true);
    if (!resources.isDictionary()) {
      resources = QPDFObjectHandle::newDictionary();
      page.getObjectHandle().replaceKey("/Resources", resources);
    }
    resources.mergeResources(QPDFObjectHandle::parse("<< /XObject << >> >>"));
    const auto header = doc.copyForeignObject(stamp_pages[layers->marks + i].getFormXObjectForPage());
    const auto placed = place(page, resources, marks[layers->mark_of[i]]) + place(page, resources, header);
    if (placed.empty()) return fail(ErrorCode::internal, "the stamp could not be placed on page " + std::to_string(i + 1));
    // The page's own content runs inside q … Q so that whatever state it
    // leaves does not move or hide the stamp drawn after it.
    page.addPageContents(QPDFObjectHandle::newStream(&doc, "q\n"), true);
    page.addPageContents(QPDFObjectHandle::newStream(&doc, "\nQ\n" + placed), false);
  }
  QPDFWriter writer(doc);
  writer.setOutputMemory();
  // Streams pass through as they are: re-compressing every page's content
  // would cost more than the stamp itself.
  writer.setDecodeLevel(qpdf_dl_none);
  writer.write();
  auto buffer = writer.getBufferSharedPointer();
  return Bytes(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
}

// One blank page per page of `pdf`, with the same boxes and rotation.
Bytes blank_pages_like(std::span<const std::uint8_t> pdf) {
  QPDF source;
  source.setSuppressWarnings(true);
  source.setAttemptRecovery(false);
  source.processMemoryFile("document", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  QPDFPageDocumentHelper source_pages(source);
  source_pages.pushInheritedAttributesToPage();
  QPDF blank;
  blank.emptyPDF();
  QPDFPageDocumentHelper blank_pages(blank);
  for (auto& page : source_pages.getAllPages()) {
    auto original = page.getObjectHandle();
    auto dict = QPDFObjectHandle::newDictionary();
    dict.replaceKey("/Type", QPDFObjectHandle::newName("/Page"));
    // Only numbers are copied: a box as a fresh rectangle, the rotation as
    // an integer.
    for (const char* key : {"/MediaBox", "/CropBox", "/TrimBox"}) {
      auto box = original.getKey(key);
      if (box.isRectangle()) dict.replaceKey(key, QPDFObjectHandle::newFromRectangle(box.getArrayAsRectangle()));
    }
    if (!dict.hasKey("/MediaBox")) {
      throw std::runtime_error("a page has no usable MediaBox");
    }
    if (auto rotate = original.getKey("/Rotate"); rotate.isInteger()) {
      dict.replaceKey("/Rotate", QPDFObjectHandle::newInteger(rotate.getIntValue()));
    }
    dict.replaceKey("/Resources", QPDFObjectHandle::newDictionary());
    dict.replaceKey("/Contents", QPDFObjectHandle::newStream(&blank, ""));
    blank_pages.addPage(QPDFPageObjectHelper(blank.makeIndirectObject(dict)), false);
  }
  QPDFWriter writer(blank);
  writer.setOutputMemory();
  writer.write();
  auto buffer = writer.getBufferSharedPointer();
  return Bytes(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
}

}  // namespace

std::string header_line(const StampText& text, int page, int pages) {
  std::string line = text.preview ? "预览 PREVIEW · 受控文件" : "受控文件";
  line += " · 批准号 " + text.approval + " · 接收人 " + text.receiver + " · 使用期限 " + text.valid_from + " 至 " +
          text.valid_until + " · 第 " + std::to_string(page) + "/" + std::to_string(pages) + " 页 · 打印于 " +
          text.printed_at + " " + text.workstation;
  return line;
}

Result<Bytes> stamp_pdf(std::span<const std::uint8_t> pdf, const StampText& text) {
  auto facts = inspect_pdf(pdf);
  if (!facts) return fail(facts.error());
  try {
    auto stamped = overlay(pdf, text);
    return stamped;
  } catch (const std::exception& e) {
    return fail(ErrorCode::invalid_argument,
                std::string("the PDF could not be stamped (") + e.what() + "); nothing was printed");
  }
}

Result<Bytes> stamp_blank_pages(std::span<const std::uint8_t> pdf, const StampText& text) {
  auto facts = inspect_pdf(pdf);
  if (!facts) return fail(facts.error());
  Bytes blank;
  try {
    blank = blank_pages_like(pdf);
  } catch (const std::exception& e) {
    return fail(ErrorCode::invalid_argument, std::string("the PDF's pages could not be measured (") + e.what() + ")");
  }
  return stamp_pdf(blank, text);
}

StampText preview_stamp(std::string_view workstation) {
  const auto now = format_rfc3339(now_seconds());
  StampText text;
  text.preview = true;
  text.approval = "PR-0";
  text.receiver = "(preview)";
  text.valid_from = now.substr(0, 10);
  text.valid_until = now.substr(0, 10);
  text.printed_at = now.substr(0, 10) + " " + now.substr(11, 5) + " UTC";
  text.workstation = std::string(workstation);
  text.code = "CUSTOS-PRINT/PREVIEW";
  return text;
}

}  // namespace custos::print
