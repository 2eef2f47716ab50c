#include "host_tools.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace custos::testing {
namespace {


Result<void> write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return fail(ErrorCode::io, "cannot write " + path.string());
  return ok();
}

}  // namespace

Result<std::string> run_tool(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(ErrorCode::io, std::string("pipe: ") + std::strerror(errno));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return fail(ErrorCode::io, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::execvp(args[0], args.data());
    const std::string msg = std::string("cannot start ") + args[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return fail(ErrorCode::io, argv[0] + " exited with " + std::to_string(code) + ":\n" + last_lines(output, 15));
  }
  return output;
}

Result<void> make_vfat_image(const std::filesystem::path& path, std::uint32_t size_mib,
                             const std::vector<ImageFile>& files, const std::string& label) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  CUSTOS_TRY_VOID(run_tool({"mkfs.vfat", "-C", "-n", label, path.string(), std::to_string(size_mib * 1024)}));
  const auto staging = path.string() + ".files";
  std::filesystem::remove_all(staging, ec);
  std::filesystem::create_directories(staging);
  for (const auto& file : files) {
    const auto source = std::filesystem::path(staging) / file.name;
    CUSTOS_TRY_VOID(write_file(source, file.content));
    // `::NAME` is NAME in the image's root folder.
    CUSTOS_TRY_VOID(run_tool({"mcopy", "-i", path.string(), source.string(), "::" + file.name}));
  }
  std::filesystem::remove_all(staging, ec);
  return ok();
}

Result<void> make_iso_image(const std::filesystem::path& path, const std::string& label,
                            const std::vector<ImageFile>& files) {
  std::error_code ec;
  const auto staging = path.string() + ".files";
  std::filesystem::remove_all(staging, ec);
  std::filesystem::create_directories(staging);
  for (const auto& file : files) {
    CUSTOS_TRY_VOID(write_file(std::filesystem::path(staging) / file.name, file.content));
  }
  CUSTOS_TRY_VOID(run_tool({"genisoimage", "-quiet", "-r", "-V", label, "-o", path.string(), staging}));
  std::filesystem::remove_all(staging, ec);
  return ok();
}

std::string last_lines(const std::string& text, int count) {
  auto pos = text.size();
  while (pos > 0 && count >= 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
    --count;
  }
  return text.substr(pos + 1);
}

}  // namespace custos::testing
