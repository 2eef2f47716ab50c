// Reading a workbook is a chain of small SAX passes over the parts an XLSX
// needs, each part streamed from libzip into expat in 64 KiB pieces. Part
// names come from relationships, never from guesses, except the fallback
// to xl/workbook.xml when the package has no _rels/.rels.
//
// The decompressed bytes are counted by us, not taken from the archive's
// directory: a zip bomb that declares small sizes still stops at the cap.
// Shared-string cells point at the shared string's span instead of copying
// it, so a sheet repeating one long string a million times costs a million
// spans, not a million copies.
#include "xlsx_reader.hpp"

#include <expat.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custos/platform/secret.hpp"
#include "xlsx_values.hpp"

namespace custos::viewer {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// "http://…/main|row" → "row" (expat joins namespace and local name with '|').
std::string_view local_name(const XML_Char* name) {
  std::string_view full(name);
  const auto bar = full.rfind('|');
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

const XML_Char* attribute(const XML_Char** attributes, std::string_view wanted) {
  for (auto** a = attributes; a[0] != nullptr; a += 2) {
    if (local_name(a[0]) == wanted) return a[1];
  }
  return nullptr;
}

// A part name for a message: printable ASCII, at most 80 characters (the
// archive's names are input too).
std::string printable(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, 80)) out += c >= 0x20 && c < 0x7F ? c : '?';
  return out;
}

// A part's SAX handlers; fail() stops the parse with a refusal of our own.
class XmlPart {
 public:
  virtual ~XmlPart() = default;
  virtual void start(std::string_view name, const XML_Char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}

  void fail(ErrorCode code, std::string message) {
    if (!error_) error_ = Error{code, std::move(message)};
    XML_StopParser(parser_, XML_FALSE);
  }
  bool failed() const { return error_.has_value(); }

  XML_Parser parser_ = nullptr;
  std::optional<Error> error_;
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** attributes) {
  auto* part = static_cast<XmlPart*>(user);
  if (!part->failed()) part->start(local_name(name), attributes);
}
void XMLCALL on_end(void* user, const XML_Char* name) {
  auto* part = static_cast<XmlPart*>(user);
  if (!part->failed()) part->end(local_name(name));
}
void XMLCALL on_text(void* user, const XML_Char* text, int length) {
  auto* part = static_cast<XmlPart*>(user);
  if (!part->failed()) part->text({text, static_cast<std::size_t>(length)});
}
void XMLCALL on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<XmlPart*>(user)->fail(ErrorCode::corrupt, "has a DOCTYPE (XLSX parts have none)");
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct ParserCloser {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

// Resolves a relationship target against the folder of its source part
// ("xl/"): "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml",
// "/xl/styles.xml" → "xl/styles.xml", "../x.xml" → "x.xml".
std::string resolve(std::string_view folder, std::string_view target) {
  std::vector<std::string_view> parts;
  std::string joined = target.starts_with('/') ? std::string(target.substr(1)) : std::string(folder) + std::string(target);
  std::string_view rest(joined);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto part = rest.substr(0, slash);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out;
  for (const auto part : parts) out += (out.empty() ? "" : "/") + std::string(part);
  return out;
}

std::string folder_of(std::string_view part) {
  const auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

struct Relationship {
  std::string type;  // the last segment of the Type URI: "worksheet", "sharedStrings", …
  std::string target;
};

class RelationshipsPart final : public XmlPart {
 public:
  explicit RelationshipsPart(std::string folder) : folder_(std::move(folder)) {}
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name != "Relationship") return;
    const auto* id = attribute(attributes, "Id");
    const auto* type = attribute(attributes, "Type");
    const auto* target = attribute(attributes, "Target");
    const auto* mode = attribute(attributes, "TargetMode");
    if (id == nullptr || type == nullptr || target == nullptr) return;
    if (mode != nullptr && std::string_view(mode) == "External") return;
    std::string_view kind(type);
    kind = kind.substr(kind.rfind('/') + 1);
    if (relationships.size() < 100'000) relationships.emplace(id, Relationship{std::string(kind), resolve(folder_, target)});
  }
  void end(std::string_view) override {}

  std::map<std::string, Relationship, std::less<>> relationships;

 private:
  std::string folder_;
};

struct SheetEntry {
  std::string name;
  std::string relationship;
  bool hidden = false;
};

class WorkbookPart final : public XmlPart {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (!seen_root_) {
      seen_root_ = true;
      if (name != "workbook") fail(ErrorCode::invalid_argument, "is not a workbook: the file is not an XLSX spreadsheet");
      return;
    }
    if (name == "workbookPr") {
      const auto* system = attribute(attributes, "date1904");
      date1904 = system != nullptr && (std::string_view(system) == "1" || std::string_view(system) == "true");
    } else if (name == "sheet") {
      const auto* sheet_name = attribute(attributes, "name");
      const auto* id = attribute(attributes, "id");  // r:id
      const auto* state = attribute(attributes, "state");
      if (sheet_name == nullptr || id == nullptr) return fail(ErrorCode::corrupt, "names a sheet without a name or part");
      if (sheets.size() >= 100'000) return fail(ErrorCode::too_large, "lists too many sheets");
      sheets.push_back({sheet_name, id, state != nullptr && std::string_view(state) != "visible"});
    }
  }
  void end(std::string_view) override {}

  std::vector<SheetEntry> sheets;
  bool date1904 = false;

 private:
  bool seen_root_ = false;
};

// Appends text to the locked buffer within the limit on kept text.
class TextSink {
 public:
  TextSink(LockedBuffer& text, std::size_t limit) : text_(text), limit_(limit) {}
  bool append(std::string_view more) {
    if (text_.size() + more.size() > limit_) return false;
    text_.append(as_bytes(more));
    return true;
  }
  std::size_t size() const { return text_.size(); }
  std::string_view since(std::size_t offset) const { return text_.unsafe_view().substr(offset); }
  void truncate(std::size_t size) { text_.truncate(size); }

 private:
  LockedBuffer& text_;
  std::size_t limit_;
};

// <sst><si><t>plain</t></si><si><r><t>rich </t></r><r><t>runs</t></r><rPh>…</rPh></si></sst>
class SharedStringsPart final : public XmlPart {
 public:
  SharedStringsPart(TextSink& sink, const XlsxLimits& limits) : sink_(sink), limits_(limits) {}
  void start(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      in_item_ = true;
      item_start_ = sink_.size();
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && in_item_ && phonetic_depth_ == 0) {
      in_text_ = true;
    }
  }
  void end(std::string_view name) override {
    if (name == "t") {
      in_text_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "si" && in_item_) {
      in_item_ = false;
      if (strings.size() >= limits_.max_shared_strings) {
        return fail(ErrorCode::too_large, "holds more than " + std::to_string(limits_.max_shared_strings) + " strings");
      }
      strings.push_back({item_start_, sink_.size() - item_start_});
    }
  }
  void text(std::string_view more) override {
    if (in_text_ && !sink_.append(more)) fail(ErrorCode::too_large, "has more text than the viewer takes");
  }

  std::vector<CellSpan> strings;

 private:
  TextSink& sink_;
  const XlsxLimits& limits_;
  bool in_item_ = false, in_text_ = false;
  int phonetic_depth_ = 0;
  std::size_t item_start_ = 0;
};


// <styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts>
//   <cellXfs><xf numFmtId="14"/>…</cellXfs></styleSheet>
class StylesPart final : public XmlPart {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "numFmt") {
      const auto* id = attribute(attributes, "numFmtId");
      const auto* code = attribute(attributes, "formatCode");
      if (id != nullptr && code != nullptr && custom_dates_.size() < 10'000 && custom_date_format(code)) {
        custom_dates_.push_back(std::strtol(id, nullptr, 10));
      }
    } else if (name == "cellXfs") {
      in_cell_formats_ = true;
    } else if (name == "xf" && in_cell_formats_) {
      if (date_styles.size() >= 100'000) return fail(ErrorCode::too_large, "has too many cell formats");
      const auto* id = attribute(attributes, "numFmtId");
      const long format = id == nullptr ? 0 : std::strtol(id, nullptr, 10);
      bool date = builtin_date_format(format);
      for (const auto custom : custom_dates_) date = date || custom == format;
      date_styles.push_back(date);
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_formats_ = false;
  }

  std::vector<bool> date_styles;  // per cell format (a cell's s="N")

 private:
  std::vector<long> custom_dates_;
  bool in_cell_formats_ = false;
};


struct SheetContext {
  const std::vector<CellSpan>& shared;
  const std::vector<bool>& date_styles;
  bool date1904 = false;
};

// <worksheet><sheetData><row r="7"><c r="C7" t="s" s="1"><v>0</v></c>
//   <c r="D7" t="inlineStr"><is><t>text</t></is></c></row></sheetData></worksheet>
class WorksheetPart final : public XmlPart {
 public:
  WorksheetPart(TextSink& sink, const XlsxLimits& limits, const SheetContext& context, TableSection& section,
                std::size_t& rows, std::size_t& cells)
      : sink_(sink), limits_(limits), context_(context), section_(section), rows_(rows), cells_(cells) {}

  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "row") {
      in_row_ = true;
      row_.clear();
      column_ = 0;
    } else if (name == "c" && in_row_) {
      start_cell(attributes);
    } else if (in_cell_ && (name == "v" || (name == "t" && in_inline_ && phonetic_depth_ == 0))) {
      in_value_ = true;
    } else if (in_cell_ && name == "is") {
      in_inline_ = true;
    } else if (in_cell_ && name == "rPh") {
      ++phonetic_depth_;
    }
  }

  void end(std::string_view name) override {
    if (name == "v" || name == "t") {
      in_value_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "c" && in_cell_) {
      end_cell();
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      if (row_.empty()) return;
      if (++rows_ > limits_.max_rows) {
        return fail(ErrorCode::too_large, "has more than " + std::to_string(limits_.max_rows) + " rows");
      }
      section_.rows.push_back(std::move(row_));
      row_ = {};
    }
  }

  void text(std::string_view more) override {
    if (in_value_ && !sink_.append(more)) fail(ErrorCode::too_large, "has more text than the viewer takes");
  }

 private:
  void start_cell(const XML_Char** attributes) {
    const auto* reference = attribute(attributes, "r");
    if (reference != nullptr) {
      const auto column = column_of(reference);
      if (!column) return fail(ErrorCode::corrupt, "has a bad cell reference");
      column_ = *column;
    } else {
      ++column_;
    }
    const auto* type = attribute(attributes, "t");
    type_ = type == nullptr ? "n" : type;
    const auto* style = attribute(attributes, "s");
    const auto style_index = style == nullptr ? 0ul : std::strtoul(style, nullptr, 10);
    date_ = style_index < context_.date_styles.size() && context_.date_styles[style_index];
    in_cell_ = true;
    in_inline_ = false;
    phonetic_depth_ = 0;
    cell_start_ = sink_.size();
  }

  void end_cell() {
    in_cell_ = in_value_ = in_inline_ = false;
    const auto stored = sink_.since(cell_start_);
    CellSpan span{cell_start_, stored.size()};
    if (type_ == "s") {
      std::size_t index = 0;
      bool digits = !stored.empty() && stored.size() < 10;
      for (const char c : stored) {
        digits = digits && c >= '0' && c <= '9';
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      sink_.truncate(cell_start_);
      if (stored.empty()) return;
      if (!digits || index >= context_.shared.size()) return fail(ErrorCode::corrupt, "refers to a missing shared string");
      span = context_.shared[index];
    } else if (type_ == "b") {
      const bool truth = stored == "1" || stored == "true";
      sink_.truncate(cell_start_);
      if (!sink_.append(truth ? "TRUE" : "FALSE")) return fail(ErrorCode::too_large, "has more text than the viewer takes");
      span.size = truth ? 4 : 5;
    } else if (type_ == "n") {
      const auto number = number_text(stored, date_, context_.date1904);
      const auto shown = number.view();
      if (!shown.empty()) {
        sink_.truncate(cell_start_);
        if (!sink_.append(shown)) return fail(ErrorCode::too_large, "has more text than the viewer takes");
        span.size = shown.size();
      }
    }
    if (span.size == 0) return;  // an empty (perhaps only styled) cell
    if (column_ > limits_.max_columns) {
      return fail(ErrorCode::too_large, "has text in column " + std::to_string(column_) + ", past the viewer's " +
                                            std::to_string(limits_.max_columns));
    }
    if (row_.size() < column_) {
      cells_ += column_ - row_.size();
      if (cells_ > limits_.max_cells) {
        return fail(ErrorCode::too_large, "has more than " + std::to_string(limits_.max_cells) + " cells");
      }
      row_.resize(column_);
    }
    row_[column_ - 1] = span;
  }

  TextSink& sink_;
  const XlsxLimits& limits_;
  const SheetContext& context_;
  TableSection& section_;
  std::size_t& rows_;
  std::size_t& cells_;
  std::vector<CellSpan> row_;
  std::size_t column_ = 0, cell_start_ = 0;
  std::string type_;
  bool in_row_ = false, in_cell_ = false, in_value_ = false, in_inline_ = false, date_ = false;
  int phonetic_depth_ = 0;
};

// The archive, and the decompressed bytes read from it so far.
class Package {
 public:
  Package(zip_t* archive, const XlsxLimits& limits) : archive_(archive), limits_(limits), chunk_(kChunkBytes) {}

  bool has(const std::string& name) const { return zip_name_locate(archive_.get(), name.c_str(), ZIP_FL_NOCASE) >= 0; }

  // Streams part `name` through `handlers`. Error messages name the part,
  // never its content.
  Result<void> parse(const std::string& part_name, XmlPart& handlers) {
    const auto name = printable(part_name);
    const auto index = zip_name_locate(archive_.get(), part_name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return fail(ErrorCode::corrupt, "the workbook lacks its part " + name);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
      return fail(ErrorCode::corrupt, "the workbook's part " + name + " cannot be read");
    }
    if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > limits_.max_part_bytes) {
      return fail(ErrorCode::too_large, too_big(name));
    }
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!file) return fail(open_error(name));
    std::unique_ptr<XML_ParserStruct, ParserCloser> parser(XML_ParserCreateNS(nullptr, '|'));
    if (!parser) return fail(ErrorCode::internal, "the XML parser cannot start");
    handlers.parser_ = parser.get();
    XML_SetUserData(parser.get(), &handlers);
    XML_SetElementHandler(parser.get(), on_start, on_end);
    XML_SetCharacterDataHandler(parser.get(), on_text);
    XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
    std::size_t part_bytes = 0;
    auto* buffer = chunk_.unsafe_bytes().data();
    while (true) {
      const auto n = zip_fread(file.get(), buffer, kChunkBytes);
      if (n < 0) {
        return fail(ErrorCode::corrupt, "the workbook's part " + name + " is damaged: " +
                                            zip_error_strerror(zip_file_get_error(file.get())));
      }
      part_bytes += static_cast<std::size_t>(n);
      total_bytes_ += static_cast<std::size_t>(n);
      if (part_bytes > limits_.max_part_bytes) return fail(ErrorCode::too_large, too_big(name));
      if (total_bytes_ > limits_.max_total_bytes) {
        return fail(ErrorCode::too_large, "the workbook unpacks to more than " +
                                              std::to_string(limits_.max_total_bytes >> 20) + " MiB");
      }
      if (XML_Parse(parser.get(), reinterpret_cast<const char*>(buffer), static_cast<int>(n), n == 0 ? XML_TRUE : XML_FALSE) !=
          XML_STATUS_OK) {
        if (handlers.error_) {
          return fail(handlers.error_->code, "the workbook's part " + name + " " + handlers.error_->message);
        }
        return fail(ErrorCode::corrupt, "the workbook's part " + name + " is not well-formed XML at line " +
                                            std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
                                            std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1) + ": " +
                                            XML_ErrorString(XML_GetErrorCode(parser.get())));
      }
      if (n == 0) break;
    }
    if (handlers.error_) return fail(handlers.error_->code, "the workbook's part " + name + " " + handlers.error_->message);
    return ok();
  }

 private:
  std::string too_big(const std::string& name) const {
    return "the workbook's part " + name + " unpacks to more than " + std::to_string(limits_.max_part_bytes >> 20) +
           " MiB (the viewer's limit)";
  }
  Error open_error(const std::string& name) const {
    const int code = zip_error_code_zip(zip_get_error(archive_.get()));
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP) {
      return {ErrorCode::invalid_argument, "the workbook is encrypted: save it without a password and upload it again"};
    }
    return {ErrorCode::corrupt, "the workbook's part " + name + " cannot be opened: " +
                                    zip_error_strerror(zip_get_error(archive_.get()))};
  }

  std::unique_ptr<zip_t, ZipCloser> archive_;
  const XlsxLimits& limits_;
  Secret chunk_;  // decompressed document bytes pass through locked memory
  std::size_t total_bytes_ = 0;
};

Result<std::unique_ptr<Package>> open_package(std::string_view bytes, const XlsxLimits& limits) {
  if (bytes.starts_with(kOleMagic)) {
    return fail(ErrorCode::invalid_argument,
                "a password-protected or legacy (.xls) Office file cannot be viewed: save it as .xlsx without a password");
  }
  if (!bytes.starts_with("PK")) return fail(ErrorCode::corrupt, "the file is not an XLSX workbook (no ZIP archive)");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return fail(ErrorCode::internal, "the archive reader cannot start");
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return fail(ErrorCode::corrupt, "the workbook is not a readable ZIP archive: " + why);
  }
  zip_error_fini(&error);
  auto package = std::make_unique<Package>(archive, limits);
  const auto entries = zip_get_num_entries(archive, 0);
  if (entries < 0 || static_cast<std::size_t>(entries) > limits.max_entries) {
    return fail(ErrorCode::too_large, "the workbook holds more than " + std::to_string(limits.max_entries) + " files");
  }
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
      return fail(ErrorCode::corrupt, "the workbook's archive has an unreadable entry");
    }
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
      return fail(ErrorCode::invalid_argument, "the workbook is encrypted: save it without a password and upload it again");
    }
  }
  return package;
}

}  // namespace

Result<TableText> read_xlsx(std::string_view bytes, const XlsxLimits& limits) {
  auto opened = open_package(bytes, limits);
  if (!opened) return fail(opened.error());
  Package& package = **opened;

  // The package's relationships name the workbook part.
  std::string workbook_name = "xl/workbook.xml";
  if (package.has("_rels/.rels")) {
    RelationshipsPart root("");
    CUSTOS_TRY_VOID(package.parse("_rels/.rels", root));
    for (const auto& [id, relationship] : root.relationships) {
      if (relationship.type == "officeDocument") workbook_name = relationship.target;
    }
  }
  if (!package.has(workbook_name)) {
    return fail(ErrorCode::invalid_argument, "the file is a ZIP archive but not an XLSX workbook");
  }
  WorkbookPart workbook;
  CUSTOS_TRY_VOID(package.parse(workbook_name, workbook));
  const auto folder = folder_of(workbook_name);
  RelationshipsPart links(folder);
  const auto links_name = folder + "_rels/" + workbook_name.substr(folder.size()) + ".rels";
  if (package.has(links_name)) CUSTOS_TRY_VOID(package.parse(links_name, links));

  TableText table;
  TextSink sink(table.text, limits.max_text_bytes);
  SharedStringsPart shared(sink, limits);
  StylesPart styles;
  for (const auto& [id, relationship] : links.relationships) {
    if (relationship.type == "sharedStrings" && package.has(relationship.target)) {
      CUSTOS_TRY_VOID(package.parse(relationship.target, shared));
    } else if (relationship.type == "styles" && package.has(relationship.target)) {
      CUSTOS_TRY_VOID(package.parse(relationship.target, styles));
    }
  }

  const SheetContext context{shared.strings, styles.date_styles, workbook.date1904};
  std::size_t rows = 0, cells = 0;
  for (const auto& sheet : workbook.sheets) {
    const auto link = links.relationships.find(sheet.relationship);
    if (link == links.relationships.end()) return fail(ErrorCode::corrupt, "the workbook names a sheet it does not hold");
    if (link->second.type != "worksheet") continue;  // chart and dialog sheets have no cells
    if (table.sections.size() >= limits.max_sheets) {
      return fail(ErrorCode::too_large, "the workbook has more than " + std::to_string(limits.max_sheets) + " sheets");
    }
    auto& section = table.sections.emplace_back();
    section.title.offset = sink.size();
    if (!sink.append(sheet.name) || (sheet.hidden && !sink.append(" (hidden)"))) {
      return fail(ErrorCode::too_large, "the workbook has more text than the viewer takes");
    }
    section.title.size = sink.size() - section.title.offset;
    WorksheetPart part(sink, limits, context, section, rows, cells);
    CUSTOS_TRY_VOID(package.parse(link->second.target, part));
  }
  if (table.sections.empty()) return fail(ErrorCode::invalid_argument, "the workbook has no worksheet to show");
  return table;
}

}  // namespace custos::viewer
