#include "custos/vault/tls_identity.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "custos/platform/encoding.hpp"
#include "custos/platform/files.hpp"
#include "custos/platform/fingerprint.hpp"
#include "custos/platform/hash.hpp"
#include "custos/platform/random.hpp"

namespace custos::vault {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Error tls_error(const std::string& what) { return Error{ErrorCode::crypto, "cannot " + what + " (OpenSSL)"}; }

Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0) return fail(tls_error("encode PEM"));
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

Result<void> create_tls_identity(const std::filesystem::path& key_file, const std::filesystem::path& cert_file,
                                 const TlsIdentityRequest& request) {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return fail(tls_error("generate the TLS key"));
  Cert cert(X509_new());
  if (!cert) return fail(tls_error("make a certificate"));
  X509_set_version(cert.get(), 2);
  // A random 128-bit serial, as RFC 5280 advises for uniqueness.
  auto serial_bytes = random_bytes(16);
  serial_bytes[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes.data(), 16, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(request.valid_days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Custos"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("custos-vault"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const auto& dns : request.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + dns;
  for (const auto& ip : request.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : std::initializer_list<std::pair<int, std::string>>{
           {NID_subject_alt_name, san}, {NID_basic_constraints, "critical,CA:FALSE"},
           {NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) return fail(tls_error("add certificate extension"));
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return fail(tls_error("sign the certificate"));

  Bio key_bio(BIO_new(BIO_s_mem()));
  Bio cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return fail(tls_error("encode the TLS identity"));
  }
  auto key_pem = bio_text(key_bio.get());
  auto cert_pem = bio_text(cert_bio.get());
  if (!key_pem || !cert_pem) return fail(tls_error("encode the TLS identity"));
  CUSTOS_TRY_VOID(files::write_atomic(key_file, *key_pem, 0600));
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  return files::write_atomic(cert_file, *cert_pem, 0644);
}

Result<std::string> certificate_fingerprint(const std::filesystem::path& cert_file) {
  auto pem = files::read_text(cert_file);
  if (!pem) return fail(pem.error());
  Bio bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return fail(ErrorCode::invalid_argument, cert_file.string() + " holds no PEM certificate");
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  if (size <= 0) return fail(tls_error("encode the certificate"));
  auto fingerprint = der_fingerprint(der, static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return fingerprint;
}

}  // namespace custos::vault
