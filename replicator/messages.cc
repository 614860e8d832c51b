#include "replicator/messages.h"

#include "replicator/sha256.h"

namespace gtsim::replication {

std::string hello_proof(const std::string& secret, const std::string& region,
                        const std::string& run_id, const std::string& nonce) {
  std::string message = "gtsim-hello";
  for (const std::string* part : {&region, &run_id, &nonce}) {
    message += '\0';
    message += *part;
  }
  Digest digest = hmac_sha256(secret, message);
  return std::string(digest.begin(), digest.end());
}

Hello make_hello(const std::string& secret, const std::string& region, const std::string& run_id,
                 std::string nonce, uint64_t resume_cursor) {
  Hello hello{region, run_id, std::move(nonce), "", resume_cursor};
  hello.proof = hello_proof(secret, region, run_id, hello.nonce);
  return hello;
}

bool hello_is_valid(const Hello& hello, const std::string& secret, const std::string& run_id) {
  return hello.run_id == run_id &&
         digests_equal(hello.proof, hello_proof(secret, hello.region, hello.run_id, hello.nonce));
}

}  // namespace gtsim::replication
