// Thread names, so `top -H`, perf and gdb show what each thread of a service
// is (the kernel keeps at most 15 characters).
#ifndef CASEWORK_LIBS_CORE_THREAD_H_
#define CASEWORK_LIBS_CORE_THREAD_H_

#include <pthread.h>

#include <string>

namespace casework {

inline void SetCurrentThreadName(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_THREAD_H_
