#include "custos/vault/vault_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace custos::vault {
namespace {

class VaultConfigTest : public ::testing::Test {
 protected:
  VaultConfigTest() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-vault-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~VaultConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path write(std::string_view text) const {
    const auto file = dir_ / "vault.toml";
    std::ofstream(file, std::ios::trunc) << text;
    return file;
  }

  std::filesystem::path dir_;
};

TEST_F(VaultConfigTest, DefaultsWhenAnOptionalFileIsMissing) {
  auto config = load_vault_config(dir_, dir_ / "absent.toml", true);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->server.listen, "127.0.0.1:8443");
  EXPECT_EQ(config->server.workers, 64u);
  EXPECT_EQ(config->limits.header_bytes, 16u * 1024);
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->records.utc_offset_seconds, 8 * 3600);
  EXPECT_EQ(config->resolve(config->tls_certificate), dir_ / "tls/cert.pem");
  auto required = load_vault_config(dir_, dir_ / "absent.toml", false);
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().code, ErrorCode::not_found);
}

TEST_F(VaultConfigTest, TheFileInitWritesReadsAsTheDefaults) {
  auto config = load_vault_config(dir_, write(default_vault_toml()), false);
  ASSERT_TRUE(config) << config.error().describe();
  const VaultConfig defaults;
  EXPECT_EQ(config->server.listen, defaults.server.listen);
  EXPECT_EQ(config->server.workers, defaults.server.workers);
  EXPECT_EQ(config->server.login_threads, defaults.server.login_threads);
  EXPECT_EQ(config->limits.json_body_bytes, defaults.limits.json_body_bytes);
  EXPECT_EQ(config->auth.idle_seconds, defaults.auth.idle_seconds);
  EXPECT_EQ(config->grants.max_seconds, defaults.grants.max_seconds);
  EXPECT_EQ(config->log_level, defaults.log_level);
}

TEST_F(VaultConfigTest, ReadsEveryKey) {
  auto config = load_vault_config(dir_, write(R"([server]
listen = "[::1]:9443"
io_threads = 3
workers = 8
login_threads = 2
max_connections = 500
metrics = false
[tls]
certificate = "/etc/custos/cert.pem"
private_key = "tls/other.pem"
[log]
level = "debug"
[limits]
header_bytes = 2048
json_body_bytes = 4096
records_body_bytes = 8192
max_upload_bytes = 1000000
handshake_timeout_seconds = 5
idle_timeout_seconds = 6
request_timeout_seconds = 7
body_read_timeout_seconds = 8
[sessions]
idle_minutes = 10
absolute_hours = 2
[login]
lockout_failures = 3
lockout_minutes = 20
min_password_length = 16
[grants]
max_days = 30
[audit_log]
head_every_entries = 50
head_every_seconds = 9
[records]
holidays = ["2026-10-01"]
extra_working_days = ["2026-09-27"]
due_working_days = 4
screen_every_seconds = 60
utc_offset = "-05:30"
[agents]
heartbeat_seconds = 30
silent_after_missed = 4
)"),
                                  false);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->server.listen, "[::1]:9443");
  EXPECT_EQ(config->server.io_threads, 3u);
  EXPECT_EQ(config->server.workers, 8u);
  EXPECT_EQ(config->server.login_threads, 2u);
  EXPECT_EQ(config->server.max_connections, 500u);
  EXPECT_FALSE(config->server.metrics);
  EXPECT_EQ(config->resolve(config->tls_certificate), "/etc/custos/cert.pem");
  EXPECT_EQ(config->resolve(config->tls_private_key), dir_ / "tls/other.pem");
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->limits.header_bytes, 2048u);
  EXPECT_EQ(config->limits.json_body_bytes, 4096u);
  EXPECT_EQ(config->limits.records_body_bytes, 8192u);
  EXPECT_EQ(config->documents.max_upload_bytes, 1000000);
  EXPECT_EQ(config->limits.handshake_timeout_seconds, 5u);
  EXPECT_EQ(config->limits.idle_timeout_seconds, 6u);
  EXPECT_EQ(config->limits.request_timeout_seconds, 7u);
  EXPECT_EQ(config->limits.body_read_timeout_seconds, 8u);
  EXPECT_EQ(config->auth.idle_seconds, 600);
  EXPECT_EQ(config->auth.absolute_seconds, 7200);
  EXPECT_EQ(config->auth.lockout_failures, 3);
  EXPECT_EQ(config->auth.lockout_seconds, 1200);
  EXPECT_EQ(config->auth.min_password_length, 16u);
  EXPECT_EQ(config->grants.max_seconds, 30 * 86400);
  EXPECT_EQ(config->audit_log.head_every_entries, 50u);
  EXPECT_EQ(config->audit_log.head_every, std::chrono::seconds(9));
  EXPECT_EQ(config->records.due_working_days, 4u);
  EXPECT_EQ(config->screen_every_seconds, 60u);
  EXPECT_EQ(config->records.utc_offset_seconds, -(5 * 3600 + 30 * 60));
  // 2026-10-01 is a Thursday made a holiday; 2026-09-27 a Sunday made a working day.
  EXPECT_FALSE(config->records.calendar.is_working_day(records::Date::from_ymd(2026, 10, 1).value()));
  EXPECT_TRUE(config->records.calendar.is_working_day(records::Date::from_ymd(2026, 9, 27).value()));
  EXPECT_EQ(config->agents.heartbeat_seconds, 30);
  EXPECT_EQ(config->agents.silent_after_missed, 4);
}

TEST_F(VaultConfigTest, RefusalsAreInvalidArgumentAndNameTheLine) {
  // Matched on the code; the one part of the text checked is the location
  // ("vault.toml:LINE:"), which is the refusal's contract with the reader.
  struct Case {
    const char* text;
    const char* where;
  };
  for (const auto& c : {Case{"[serveur]\nlisten = \"0.0.0.0:1\"\n", "vault.toml:2:"},
                        Case{"[server]\n\nworkres = 4\n", "vault.toml:3:"},
                        Case{"workers = 4\n", "vault.toml:1:"},
                        Case{"[server]\nworkers = \"4\"\n", "vault.toml:2:"},
                        Case{"[server]\nworkers = 0\n", "vault.toml:2:"},
                        // No conversions between TOML's types: toml++'s value<T>() would take these.
                        Case{"[server]\nmetrics = 1\n", "vault.toml:2:"},
                        Case{"[server]\nworkers = true\n", "vault.toml:2:"},
                        Case{"[server]\nworkers = 4.0\n", "vault.toml:2:"},
                        Case{"[limits]\nheader_bytes = 100\n", "vault.toml:2:"},
                        Case{"[log]\n\nlevel = \"loud\"\n", "vault.toml:3:"},
                        Case{"[records]\nutc_offset = \"+25:00\"\n", "vault.toml:2:"},
                        Case{"[records]\n\nholidays = [\"2026-02-30\"]\n", "vault.toml:3:"},
                        Case{"[records]\nholidays = []\nextra_working_days = [\"someday\"]\n", "vault.toml:3:"},
                        Case{"[records]\nholidays = [\"2026-10-01\", 3]\n", "vault.toml:2:"},
                        Case{"[server\nworkers = 4\n", "vault.toml:1:"}}) {
    auto config = load_vault_config(dir_, write(c.text), false);
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().code, ErrorCode::invalid_argument) << c.text;
    EXPECT_NE(config.error().message.find(c.where), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace custos::vault
