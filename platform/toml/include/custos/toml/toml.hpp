// toml++ as every Custos TOML reader includes it (policies, vault.toml,
// agent.toml): one place that decides how it is configured.
#pragma once

#if defined(TOML_HEADER_ONLY) && TOML_HEADER_ONLY
// The fuzzing build compiles toml++ from its headers with its debug
// assertions on, and some of them fire on malformed input that the shipped
// library (Debian's, built without them) reports as a parse error — e.g. a
// table header "[&x]" or "[?x". Match what ships, so the fuzzer looks for our
// bugs. Every translation unit must agree: the header-only functions are
// inline, and the linker keeps one copy of each.
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>
