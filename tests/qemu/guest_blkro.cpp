// guest-blkro DEVICE: marks a block device read-only with ioctl(BLKROSET),
// as the agent does on a stick's "add block" uevent before anything mounts
// it, and prints what BLKROGET then says ("ro=1"). Runs inside the QEMU
// guest; it also proves that a host-built C++ program runs there with the
// shared libraries the image builder copied.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: guest-blkro DEVICE\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "guest-blkro: cannot open %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  int read_only = 1;
  if (::ioctl(fd, BLKROSET, &read_only) != 0) {
    std::fprintf(stderr, "guest-blkro: BLKROSET on %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  read_only = 0;
  if (::ioctl(fd, BLKROGET, &read_only) != 0) {
    std::fprintf(stderr, "guest-blkro: BLKROGET on %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  ::close(fd);
  std::printf("ro=%d\n", read_only);
  return 0;
}
