// bench/shim_rss.cpp: the resident memory of an idle `batchlet shim` supervising a sleeping
// container, next to the container's own (`sleep`, a small C program) as the baseline of the
// same run. Goal of issue 5: VmRSS <= 1 MiB.
//
// Usage: shim_rss [samples]   (each sample starts a container, measures, stops it)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/file.hpp"
#include "runtime/shim_client.hpp"

namespace {

struct Memory {
  long rss_kb = 0, anon_kb = 0, file_kb = 0, pss_kb = 0;
};

long field(const std::string& text, const std::string& name) {
  const auto at = text.find(name + ":");
  return at == std::string::npos ? -1 : std::atol(text.c_str() + at + name.size() + 1);
}

Memory measure(pid_t pid) {
  Memory m;
  const std::string dir = "/proc/" + std::to_string(pid);
  if (auto status = base::read_file(dir + "/status")) {
    m.rss_kb = field(*status, "VmRSS");
    m.anon_kb = field(*status, "RssAnon");
    m.file_kb = field(*status, "RssFile");
  }
  if (auto rollup = base::read_file(dir + "/smaps_rollup")) m.pss_kb = field(*rollup, "Pss");
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const int samples = argc > 1 ? std::atoi(argv[1]) : 5;
  char dir_template[] = "/tmp/batchlet-shim-rss-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return 1;
  const std::filesystem::path dir = dir_template;
  Memory shim_sum, container_sum;
  int ok = 0;
  for (int i = 0; i < samples; ++i) {
    runtime::StartRequest r;
    std::string container = "c";  // built piecewise: g++ 12 -O3 misreads "c" + s (-Wrestrict)
    container += std::to_string(i);
    r.state_dir = dir / "pods" / "uid" / container;
    r.spec.argv = {"sleep", "60"};
    r.spec.env = {"PATH=/usr/bin:/bin"};
    r.spec.log_path = r.state_dir / "0.log";
    r.shim_binary = BATCHLET_BINARY;
    auto h = runtime::start_container(r);
    if (!h) {
      std::fprintf(stderr, "start: %s\n", h.error().message().c_str());
      break;
    }
    ::usleep(300'000);  // idle: the shim sits in poll()
    const Memory s = measure(h->shim_pid);
    const Memory c = measure(h->container_pid);
    (void)runtime::stop_container(*h, std::chrono::seconds(0));
    (void)runtime::wait_container(*h);
    shim_sum.rss_kb += s.rss_kb, shim_sum.anon_kb += s.anon_kb, shim_sum.file_kb += s.file_kb;
    shim_sum.pss_kb += s.pss_kb;
    container_sum.rss_kb += c.rss_kb, container_sum.anon_kb += c.anon_kb;
    container_sum.file_kb += c.file_kb, container_sum.pss_kb += c.pss_kb;
    ++ok;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ok == 0) return 1;
  auto row = [ok](const char* name, const Memory& m) {
    std::printf("%-22s %8.0f %8.0f %8.0f %8.0f\n", name, double(m.rss_kb) / ok,
                double(m.anon_kb) / ok, double(m.file_kb) / ok, double(m.pss_kb) / ok);
  };
  std::printf("mean over %d samples, KiB  VmRSS  RssAnon  RssFile      Pss\n", ok);
  row("batchlet shim (idle)", shim_sum);
  row("container: sleep", container_sum);
  std::printf("shim / sleep VmRSS ratio: %.2f\n",
              double(shim_sum.rss_kb) / double(container_sum.rss_kb));
  return 0;
}
