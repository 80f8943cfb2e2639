// CPU time from /proc, for the share of the machine each side used during a window: the
// PostgreSQL server (the postmaster, its live children, and through the postmaster's cutime and
// cstime the children that ended, such as autovacuum workers), this process, and the whole
// machine (/proc/stat). Linux only; the server must run on this machine.
// Thread-safety: plain functions.
#pragma once

#include <cstdint>

namespace liverec::bench {

struct CpuTimes {
  double postgres_s = 0;  // user + system seconds
  double self_s = 0;
  double machine_busy_s = 0;   // all CPUs, not idle and not waiting for I/O
  double machine_total_s = 0;  // all CPUs
  double machine_iowait_s = 0;
};

// The parent of `pid` (the postmaster, for a backend), or 0 when it cannot be read.
int64_t ParentPid(int64_t pid);
// Now; `postmaster` 0: postgres_s stays 0.
CpuTimes SampleCpu(int64_t postmaster);
int CpuCount();

}  // namespace liverec::bench
