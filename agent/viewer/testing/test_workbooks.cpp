#include "testing/test_workbooks.hpp"

#include <zip.h>


namespace custos::viewer::testing {
namespace {

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

std::string column_name(int column) {
  std::string name;
  for (; column > 0; column = (column - 1) / 26) name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
  return name;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string make_zip(const std::vector<ZipEntry>& entries, std::string_view password, bool stored) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_error_fini(&error);
  if (buffer == nullptr) return {};
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, nullptr);
  bool made = archive != nullptr;
  const std::string secret(password);
  for (std::size_t i = 0; made && i < entries.size(); ++i) {
    const auto& entry = entries[i];
    zip_source_t* data = zip_source_buffer(archive, entry.content.data(), entry.content.size(), 0);
    const auto index = data == nullptr ? -1 : zip_file_add(archive, entry.name.c_str(), data, ZIP_FL_ENC_UTF_8);
    made = index >= 0 && (!stored || zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) == 0);
    made = made && (secret.empty() || zip_file_set_encryption(archive, static_cast<zip_uint64_t>(index),
                                                                     ZIP_EM_TRAD_PKWARE, secret.c_str()) == 0);
  }
  if (archive != nullptr) {
    if (made) {
      made = zip_close(archive) == 0;
    } else {
      zip_discard(archive);
    }
  }
  std::string bytes;
  if (made && zip_source_open(buffer) == 0) {
    char chunk[16384];
    for (zip_int64_t n; (n = zip_source_read(buffer, chunk, sizeof chunk)) > 0;) {
      bytes.append(chunk, static_cast<std::size_t>(n));
    }
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  return bytes;
}

std::vector<ZipEntry> xlsx_parts(const std::vector<TestSheet>& sheets, const std::vector<std::string>& shared,
                                 const std::vector<std::string>& cell_formats) {
  std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
  std::string root = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"") +
                     kPackageRelationships +
                     "\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                     "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
  std::string workbook = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook xmlns=\"") + kMain +
                         "\" xmlns:r=\"" + kRelationships + "\"><workbookPr/><sheets>";
  std::string links = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"") +
                      kPackageRelationships + "\">";
  std::vector<ZipEntry> parts{{"[Content_Types].xml", types}, {"_rels/.rels", root}};
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const auto n = std::to_string(i + 1);
    workbook += "<sheet name=\"" + xml_escape(sheets[i].name) + "\" sheetId=\"" + n + "\"" +
                (sheets[i].hidden ? " state=\"hidden\"" : "") + " r:id=\"rId" + n + "\"/>";
    links += "<Relationship Id=\"rId" + n +
             "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
             "Target=\"worksheets/sheet" + n + ".xml\"/>";
    parts.push_back({"xl/worksheets/sheet" + n + ".xml",
                     std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"") + kMain +
                         "\"><sheetData>" + sheets[i].rows + "</sheetData></worksheet>"});
  }
  workbook += "</sheets></workbook>";
  links += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
           "sharedStrings\" Target=\"sharedStrings.xml\"/>"
           "<Relationship Id=\"rIdT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
           "styles\" Target=\"/xl/styles.xml\"/></Relationships>";
  std::string strings = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"") + kMain + "\">";
  for (const auto& item : shared) strings += item;
  strings += "</sst>";
  std::string styles = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<styleSheet xmlns=\"") + kMain +
                       "\"><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d h:mm\"/>"
                       "<numFmt numFmtId=\"165\" formatCode=\"&quot;day &quot;0.00\"/></numFmts><cellXfs>";
  if (cell_formats.empty()) styles += "<xf numFmtId=\"0\"/>";
  for (const auto& xf : cell_formats) styles += xf;
  styles += "</cellXfs></styleSheet>";
  parts.push_back({"xl/workbook.xml", workbook});
  parts.push_back({"xl/_rels/workbook.xml.rels", links});
  parts.push_back({"xl/sharedStrings.xml", strings});
  parts.push_back({"xl/styles.xml", styles});
  return parts;
}

std::string make_table_xlsx(std::string_view sheet, const std::vector<std::string>& header, int rows,
                            std::string_view marker) {
  std::string xml = "<row r=\"1\">";
  for (std::size_t c = 0; c < header.size(); ++c) {
    xml += "<c r=\"" + column_name(static_cast<int>(c) + 1) + "1\" t=\"inlineStr\"><is><t>" + xml_escape(header[c]) +
           "</t></is></c>";
  }
  xml += "</row>";
  for (int r = 2; r <= rows + 1; ++r) {
    const auto n = std::to_string(r);
    xml += "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>" + std::to_string(r - 1) + "</v></c>";
    for (std::size_t c = 1; c < header.size(); ++c) {
      xml += "<c r=\"" + column_name(static_cast<int>(c) + 1) + n + "\" t=\"inlineStr\"><is><t>" +
             (c + 1 == header.size() ? xml_escape(marker) : "客户" + std::to_string(r - 1)) + "</t></is></c>";
    }
    xml += "</row>";
  }
  return make_xlsx({{std::string(sheet), xml}});
}

}  // namespace custos::viewer::testing
