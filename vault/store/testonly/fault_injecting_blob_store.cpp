#include "custos/vault/testonly/fault_injecting_blob_store.hpp"

namespace custos::vault::testonly {
namespace {

Error injected(std::string_view what) { return Error{ErrorCode::io, std::string("injected fault: ") + std::string(what)}; }

}  // namespace

class FaultInjectingBlobStore::Writer final : public BlobWriter {
 public:
  Writer(FaultInjectingBlobStore& owner, std::unique_ptr<BlobWriter> real)
      : owner_(owner), real_(std::move(real)) {}

  Result<void> append(std::span<const std::uint8_t> bytes) override {
    int left = owner_.appends_left_.load();
    while (left > 0 && !owner_.appends_left_.compare_exchange_weak(left, left - 1)) {
    }
    if (left == 0) return fail(injected("write failed"));
    ++owner_.appends_;
    return real_->append(bytes);
  }
  Result<void> publish() override {
    if (owner_.fail_publish_) return fail(injected("fdatasync failed"));
    return real_->publish();
  }
  Result<void> discard() override { return real_->discard(); }

 private:
  FaultInjectingBlobStore& owner_;
  std::unique_ptr<BlobWriter> real_;
};

Result<std::unique_ptr<BlobWriter>> FaultInjectingBlobStore::create(Id document) {
  auto real = real_.create(document);
  if (!real) return fail(real.error());
  return std::unique_ptr<BlobWriter>(std::make_unique<Writer>(*this, std::move(*real)));
}

Result<std::unique_ptr<BlobReader>> FaultInjectingBlobStore::open(Id document) {
  if (fail_open_) return fail(injected("open failed"));
  return real_.open(document);
}

Result<void> FaultInjectingBlobStore::shred(Id document) {
  if (fail_shred_) return fail(injected("overwrite failed"));
  return real_.shred(document);
}

}  // namespace custos::vault::testonly
