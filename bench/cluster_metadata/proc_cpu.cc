#include "proc_cpu.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace liverec::bench {
namespace {

// The fields of /proc/<pid>/stat after the command (which may hold spaces), from field 3 on.
std::vector<std::string> StatFields(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;  // fields[0] is field 3 (state)
}

double Ticks(const std::string& value) {
  return static_cast<double>(std::stoll(value)) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

int64_t ParentPid(int64_t pid) {
  auto f = StatFields(pid);
  return f.size() > 1 ? std::stoll(f[1]) : 0;
}

int CpuCount() { return static_cast<int>(std::thread::hardware_concurrency()); }

CpuTimes SampleCpu(int64_t postmaster) {
  CpuTimes t;
  if (postmaster > 0) {
    auto own = StatFields(postmaster);  // utime 14, stime 15, cutime 16, cstime 17 (1-based)
    if (own.size() > 14) {
      t.postgres_s = Ticks(own[11]) + Ticks(own[12]) + Ticks(own[13]) + Ticks(own[14]);
    }
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      auto f = StatFields(std::stoll(name));
      if (f.size() > 12 && std::stoll(f[1]) == postmaster) {
        t.postgres_s += Ticks(f[11]) + Ticks(f[12]);
      }
    }
  }
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  t.self_s = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
             static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  stat >> cpu;  // "cpu": user nice system idle iowait irq softirq steal
  std::vector<double> v;
  for (int i = 0; i < 8; ++i) {
    double x = 0;
    stat >> x;
    v.push_back(x / static_cast<double>(sysconf(_SC_CLK_TCK)));
  }
  for (double x : v) t.machine_total_s += x;
  t.machine_iowait_s = v[4];
  t.machine_busy_s = t.machine_total_s - v[3] - v[4];
  return t;
}

}  // namespace liverec::bench
