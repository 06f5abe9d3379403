// What a fuzz target asserts: an invariant that must hold for every input. abort() is what
// libFuzzer reports as a crash, with the input that broke it.
#pragma once

#include <cstdlib>

inline void require(bool condition) {
  if (!condition) std::abort();
}
