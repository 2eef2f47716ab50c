// Boost.JSON compiled into the fuzz target itself: the fuzzing build (libc++)
// cannot link Debian's libboost_json, which is built for libstdc++.
#include <boost/json/src.hpp>
