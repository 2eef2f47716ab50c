#include "guest_image.hpp"

#include <cstdlib>
#include <fstream>

#include "host_tools.hpp"

namespace custos::testing {
namespace {

// Where CMake put things (tests/qemu.cmake).
std::filesystem::path cache_dir() {
  if (const char* dir = std::getenv("CUSTOS_QEMU_CACHE"); dir != nullptr && *dir != '\0') return dir;
  return CUSTOS_QEMU_CACHE_DIR;
}
std::filesystem::path image_root() { return CUSTOS_QEMU_IMAGE_DIR; }

Result<void> check_name(const std::string& name) {
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return fail(ErrorCode::invalid_argument, "guest image name '" + name + "' must be [a-z0-9_-]+");
  }
  return ok();
}

}  // namespace

Result<GuestImage> build_guest_image(const GuestImageSpec& spec) {
  CUSTOS_TRY_VOID(check_name(spec.name));
  const auto dir = image_root() / spec.name;
  std::vector<std::string> argv{CUSTOS_QEMU_BUILD_SCRIPT, "--cache", cache_dir().string(),
                                "--out", dir.string(), "--scenario", spec.scenario.string()};
  for (const auto& file : spec.files) {
    if (!file.guest.starts_with('/')) {
      return fail(ErrorCode::invalid_argument, "guest path '" + file.guest + "' must be absolute");
    }
    argv.insert(argv.end(), {"--file", file.host.string() + ":" + file.guest});
  }
  for (const auto& module : spec.modules) argv.insert(argv.end(), {"--module", module});

  auto built = run_tool(argv);
  if (!built) {
    // The script's own "build-guest: ..." line says what went wrong; a
    // missing kernel package is the one failure a person must act on.
    const bool no_kernel = built.error().message.find("kernel package") != std::string::npos;
    return fail(no_kernel ? ErrorCode::unavailable : ErrorCode::io,
                "cannot build the QEMU guest image '" + spec.name + "': " + built.error().message);
  }
  std::ifstream version_file(dir / "kernel-version");
  std::string version;
  std::getline(version_file, version);
  GuestImage image{dir / "kernel", dir / "initrd.gz", version, dir};
  if (version.empty() || !std::filesystem::exists(image.kernel) || !std::filesystem::exists(image.initrd)) {
    return fail(ErrorCode::internal, "build-guest.sh succeeded but " + dir.string() + " lacks kernel or initrd");
  }
  return image;
}

Result<std::filesystem::path> fresh_run_dir(const std::string& name) {
  CUSTOS_TRY_VOID(check_name(name));
  const auto dir = image_root() / name / "run";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
  return dir;
}

}  // namespace custos::testing
