#include "custos/viewer/locked_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace custos::viewer {

void LockedBuffer::append(std::span<const std::uint8_t> more) {
  if (more.empty()) return;
  if (size_ + more.size() > bytes_.size()) {
    Secret bigger(std::max<std::size_t>({size_ + more.size(), bytes_.size() * 2, 4096}));
    if (size_ > 0) std::memcpy(bigger.unsafe_bytes().data(), bytes_.unsafe_bytes().data(), size_);
    bytes_ = std::move(bigger);  // the old bytes are wiped as they go
  }
  std::memcpy(bytes_.unsafe_bytes().data() + size_, more.data(), more.size());
  size_ += more.size();
}

}  // namespace custos::viewer
