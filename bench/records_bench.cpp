// Benchmark of `custos records check` (vault/records/): generates 1,000,000
// insurance rows into a temporary file, then measures
//   - the whole check (rows/s, MB/s, peak RSS),
//   - ID number validation alone (validations/s),
//   - the ceiling: a raw sequential read of the same file (MB/s),
// and prints the ratio of check speed to read speed. One figure per line.
// Goals (issue 7): >= 500,000 rows/s on one core; >= 20,000,000 ID
// validations/s; memory bounded (only the phone/account index grows).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "custos/records/checker.hpp"
#include "custos/records/contact_validators.hpp"
#include "custos/records/id_number.hpp"

namespace {

using namespace custos::records;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kRows = 1'000'000;
constexpr const char* kRegions[] = {"440101", "110105", "310115", "510102", "330102"};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this process: on a shared machine, "rows per second on one
// core" is rows per CPU-second; wall time is printed beside it.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

struct Person {
  std::string id;
  Date birth;
  bool male;
};

// A valid, distinct resident ID for customer `c`.
Person person(std::uint64_t c) {
  const Date birth = Date::from_ymd(1950, 1, 1)->plus_days(static_cast<std::int64_t>(c % 20000));
  const unsigned seq = static_cast<unsigned>((c / 20000) % 1000);
  char digits[24];
  std::snprintf(digits, sizeof digits, "%s%04d%02d%02d%03u", kRegions[(c / 20'000'000) % 5], birth.year(),
                birth.month(), birth.day(), seq);
  std::string id(digits, 17);
  id.push_back(id_check_character(id));
  return {id, birth, seq % 2 == 1};
}

std::string card(std::uint64_t c) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "6222%011llu", static_cast<unsigned long long>(c));
  std::string number(digits);
  for (char check = '0'; check <= '9'; ++check) {
    if (luhn_valid(number + check)) return number + check;
  }
  return number;
}

// Four rows in five belong to a new customer, so some customers have two
// policies; one customer in a thousand reuses the previous one's phone (a
// suspicious case); one row in a hundred has a mistyped check character.
void generate(const std::filesystem::path& path) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) std::exit(2);
  std::string buf = "policy_no,role,name,gender,birth_date,id_type,id_number,phone,address,bank_account,agent_code\n";
  for (std::uint64_t row = 0; row < kRows; ++row) {
    const std::uint64_t c = row * 4 / 5;
    Person p = person(c);
    if (row % 100 == 99) p.id[17] = p.id[17] == '0' ? '1' : '0';
    const std::uint64_t phone_owner = c % 1000 == 999 ? c - 1 : c;
    buf += "P" + std::to_string(row / 2) + (row % 2 == 0 ? ",policyholder," : ",insured,");
    buf += "张三";
    buf += p.male ? ",男," : ",女,";
    buf += p.birth.to_string() + ",身份证," + p.id + "," + std::to_string(13'000'000'000ULL + phone_owner * 7);
    buf += ",\"广东省广州市天河区体育西路" + std::to_string(c % 997) + "号\",";
    if (c % 2 == 0) buf += card(c);
    buf += ",A" + std::to_string(c % 50) + "\n";
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  std::fclose(out);
}

double raw_read_bytes_per_s(const std::filesystem::path& path, std::uint64_t& bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) std::exit(2);
  std::vector<char> chunk(256 * 1024);
  const auto start = Clock::now();
  std::uint64_t sum = 0;
  bytes = 0;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n <= 0) break;
    bytes += static_cast<std::uint64_t>(n);
    sum += static_cast<unsigned char>(chunk[static_cast<std::size_t>(n) - 1]);  // touch the data
  }
  const double secs = seconds_since(start);
  ::close(fd);
  if (sum == 1) std::puts("");  // keep `sum` observable
  return static_cast<double>(bytes) / secs;
}

struct Rate {
  double wall;
  double cpu;
};

// The CSV reader alone over the same file: how much of the check is parsing.
Rate csv_rows_per_s(const std::filesystem::path& path) {
  auto source = open_file_source(path);
  if (!source) std::exit(2);
  CsvReader reader(**source);
  std::uint64_t rows = 0, fields = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (;;) {
    auto more = reader.next();
    if (!more || !*more) break;
    ++rows;
    fields += reader.field_count();
  }
  const double cpu = cpu_seconds() - cpu_start;
  const double secs = seconds_since(start);
  if (fields == 0) std::exit(1);
  return {static_cast<double>(rows) / secs, static_cast<double>(rows) / cpu};
}

Rate id_validations_per_s() {
  std::vector<std::string> ids;
  for (std::uint64_t c = 0; c < 4096; ++c) ids.push_back(person(c * 7919).id);
  const Date today = *Date::from_ymd(2025, 6, 1);
  constexpr std::uint64_t kRounds = 50'000'000;
  std::vector<std::string_view> views(ids.begin(), ids.end());
  std::uint64_t valid = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (std::uint64_t i = 0; i < kRounds; ++i) {
    const auto id = IdNumber::parse(views[i & 4095], today);
    valid += id.has_value() ? 1 : 0;
  }
  const double cpu = cpu_seconds() - cpu_start;
  const double secs = seconds_since(start);
  if (valid != kRounds) {
    std::fprintf(stderr, "unexpected invalid IDs: %llu\n", static_cast<unsigned long long>(kRounds - valid));
    std::exit(1);
  }
  return {static_cast<double>(kRounds) / secs, static_cast<double>(kRounds) / cpu};
}

}  // namespace

int main() {
  const auto path = std::filesystem::temp_directory_path() / ("custos_records_bench_" + std::to_string(::getpid()) + ".csv");
  generate(path);
  const long rss_before = peak_rss_kib();

  CheckOptions options;
  options.today = *Date::from_ymd(2025, 6, 1);
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  const auto report = check_file(path, TemplateKind::insurance, options);
  const double check_cpu = cpu_seconds() - cpu_start;
  const double check_secs = seconds_since(start);
  if (!report) {
    std::fprintf(stderr, "check failed: %s\n", report.error().describe().c_str());
    std::filesystem::remove(path);
    return 1;
  }
  const long rss_after = peak_rss_kib();

  std::uint64_t bytes = 0;
  const Rate csv = csv_rows_per_s(path);
  const double raw = raw_read_bytes_per_s(path, bytes);
  std::filesystem::remove(path);
  const double check_bytes_per_s = static_cast<double>(bytes) / check_secs;

  std::printf("records_check_rows: %llu rows, %zu findings, %zu suspicious cases, %.1f MB file\n",
              static_cast<unsigned long long>(report->rows), report->findings.size(), report->suspicious.size(),
              static_cast<double>(bytes) / 1e6);
  std::printf("records_check_rows_per_s: %.0f (goal >= 500000)\n", static_cast<double>(report->rows) / check_secs);
  std::printf("records_check_rows_per_cpu_s: %.0f\n", static_cast<double>(report->rows) / check_cpu);
  std::printf("records_check_mb_per_s: %.1f\n", check_bytes_per_s / 1e6);
  std::printf("records_check_peak_rss_mb: %.1f (before the check: %.1f)\n", static_cast<double>(rss_after) / 1024,
              static_cast<double>(rss_before) / 1024);
  std::printf("records_csv_parse_only_rows_per_s: %.0f (cpu: %.0f)\n", csv.wall, csv.cpu);
  std::printf("records_raw_read_mb_per_s: %.1f (ceiling)\n", raw / 1e6);
  std::printf("records_check_to_raw_read_ratio: %.3f\n", check_bytes_per_s / raw);
  const Rate ids = id_validations_per_s();
  std::printf("records_id_validations_per_s: %.0f (goal >= 20000000)\n", ids.wall);
  std::printf("records_id_validations_per_cpu_s: %.0f\n", ids.cpu);
  return 0;
}
