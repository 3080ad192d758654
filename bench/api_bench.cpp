// bench/api_bench.cpp: the HTTP API of a real `batchlet serve` (spawned with a private state
// directory, cgroups off, every Job suspended so no pod runs): what kubectl and controllers feel.
//
// Prints, each with the same-run baseline GET /healthz on the same kind of connection (the
// server's floor: TLS or unix socket, routing, auth):
// - GET one job over TLS and over the unix socket: p50/p99 (goal p50 <= 1 ms);
// - LIST of 1000 jobs, as JSON and as a Table: p50 (goal <= 30 ms);
// - create -> watch event: from sending the POST to receiving the ADDED event on an open watch
//   (goal p50 <= 5 ms);
// - 50 concurrent TLS connections doing GETs: requests/s and p99, against one connection.
// Run: build/release/bench/api_bench [jobs]
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/http_test_client.hpp"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<std::size_t>(p * samples.size()))];
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The serving child of this run (killed on any exit, so a failed run leaves nothing behind).
pid_t g_server = -1;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "api_bench: %s\n", why.c_str());
  if (g_server > 0) ::kill(g_server, SIGTERM);
  std::exit(1);
}

std::string job(const std::string& name) {
  return R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":")" + name +
         R"("},"spec":{"suspend":true,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"batchlet.local/host","command":["true"]}]}}}})";
}

struct Server {
  fs::path dir;
  pid_t pid = -1;
  std::uint16_t port = 0;
  std::string token;

  Server() {
    char tmpl[] = "/var/tmp/batchlet-api-bench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) die("mkdtemp");
    dir = tmpl;
    pid = ::fork();
    if (pid == 0) {
      const std::string state = (dir / "state").string();
      const std::string run = (dir / "run").string();
      const std::string log = (dir / "serve.log").string();
      if (!std::freopen(log.c_str(), "w", stderr)) ::_exit(126);
      ::execl(BATCHLET_BINARY, BATCHLET_BINARY, "serve", "--state-dir", state.c_str(), "--run-dir",
              run.c_str(), "--listen", "127.0.0.1:0", "--no-cgroups", nullptr);
      ::_exit(127);
    }
    g_server = pid;
    const fs::path kubeconfig = dir / "state" / "kubeconfig.yaml";
    for (int i = 0; i < 400 && !fs::exists(kubeconfig); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    const std::string config = read_text(kubeconfig);
    const auto at = config.find("https://127.0.0.1:");
    if (at == std::string::npos) die("no kubeconfig; see " + (dir / "serve.log").string());
    port = static_cast<std::uint16_t>(std::stoi(config.substr(at + 18)));
    token = read_text(dir / "state" / "token");
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
  }
  ~Server() {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    fs::remove_all(dir);
  }
  fs::path ca() const { return dir / "state" / "tls" / "ca.crt"; }
  fs::path socket() const { return dir / "run" / "batchlet.sock"; }
};

template <typename Client>
std::vector<double> timed_gets(
    Client& client, const std::string& target, int n,
    const std::function<http_test::Reply(Client&, const std::string&)>& get) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    const http_test::Reply reply = get(client, target);
    out.push_back(ms_since(start));
    if (reply.status != 200) die(target + ": HTTP " + std::to_string(reply.status));
  }
  return out;
}

void print_pair(const char* what, const std::vector<double>& samples,
                const std::vector<double>& baseline) {
  const double p50 = percentile(samples, 0.5);
  const double base = percentile(baseline, 0.5);
  std::printf("%-34s p50 %7.3f ms  p99 %7.3f ms   (baseline /healthz p50 %.3f ms, %.1fx)\n", what,
              p50, percentile(samples, 0.99), base, p50 / base);
}

// The next watch event on an open chunked response: reads until one whole JSON line arrived.
struct WatchReader {
  http_test::UnixClient& client;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser;
  std::string pending;
  std::size_t consumed = 0;

  explicit WatchReader(http_test::UnixClient& c, const std::string& target) : client(c) {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> request(bhttp::verb::get, target, 11);
    request.set(bhttp::field::host, "localhost");
    bhttp::write(client.stream(), request);
    parser.body_limit(boost::none);
    bhttp::read_header(client.stream(), client.buffer(), parser);
  }
  std::string next() {
    for (;;) {
      std::string& body = parser.get().body();
      const auto newline = body.find('\n', consumed);
      if (newline != std::string::npos) {
        std::string line = body.substr(consumed, newline - consumed);
        consumed = newline + 1;
        return line;
      }
      boost::beast::http::read_some(client.stream(), client.buffer(), parser);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 1000;
  Server server;
  const auto tls_get = [&](http_test::TlsClient& c, const std::string& target) {
    return c.send("GET", target, server.token);
  };
  const auto unix_get = [](http_test::UnixClient& c, const std::string& target) {
    return c.send("GET", target);
  };
  const std::string base = "/apis/batch/v1/namespaces/default/jobs";

  http_test::UnixClient writer(server.socket());
  const auto created_start = Clock::now();
  for (int i = 0; i < jobs; ++i) {
    const auto reply = writer.send("POST", base, job("job-" + std::to_string(i)));
    if (reply.status != 201) die("create: HTTP " + std::to_string(reply.status) + " " + reply.body);
  }
  const double create_ms = ms_since(created_start);
  std::printf("created %d suspended jobs in %.0f ms (%.0f/s)\n", jobs, create_ms,
              jobs * 1000.0 / create_ms);

  http_test::TlsClient tls(server.port, server.ca());
  std::function<http_test::Reply(http_test::TlsClient&, const std::string&)> tls_fn = tls_get;
  std::function<http_test::Reply(http_test::UnixClient&, const std::string&)> unix_fn = unix_get;
  timed_gets(tls, "/healthz", 200, tls_fn);  // warm-up
  const auto tls_base = timed_gets(tls, "/healthz", 2000, tls_fn);
  print_pair("GET job (TLS)", timed_gets(tls, base + "/job-0", 2000, tls_fn), tls_base);
  http_test::UnixClient local(server.socket());
  const auto unix_base = timed_gets(local, "/healthz", 2000, unix_fn);
  print_pair("GET job (unix socket)", timed_gets(local, base + "/job-0", 2000, unix_fn), unix_base);
  print_pair(("LIST " + std::to_string(jobs) + " jobs (JSON)").c_str(),
             timed_gets(local, base, 20, unix_fn), unix_base);

  std::vector<double> table;
  for (int i = 0; i < 20; ++i) {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> request(bhttp::verb::get, base + "?limit=500", 11);
    request.set(bhttp::field::host, "localhost");
    request.set(bhttp::field::accept, "application/json;as=Table;v=v1;g=meta.k8s.io");
    const auto start = Clock::now();
    bhttp::write(local.stream(), request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(local.stream(), local.buffer(), response);
    table.push_back(ms_since(start));
  }
  print_pair("LIST 500 jobs (Table, kubectl get)", table, unix_base);

  http_test::UnixClient watch_live(server.socket());
  // Watch from "now": list to learn the resourceVersion, then watch from it.
  const auto list = local.send("GET", base + "?limit=1");
  const auto rv_at = list.body.find("\"resourceVersion\":\"");
  const std::string rv = list.body.substr(rv_at + 19, list.body.find('"', rv_at + 19) - rv_at - 19);
  WatchReader live(watch_live, base + "?watch=true&resourceVersion=" + rv);
  std::vector<double> event_latency;
  for (int i = 0; i < 200; ++i) {
    const auto start = Clock::now();
    const auto reply = writer.send("POST", base, job("watched-" + std::to_string(i)));
    if (reply.status != 201) die("create: HTTP " + std::to_string(reply.status));
    // The controller's status writes of earlier jobs come on the same watch: skip them.
    const std::string name = "\"name\":\"watched-" + std::to_string(i) + "\"";
    for (;;) {
      const std::string event = live.next();
      if (event.find("\"ADDED\"") != std::string::npos && event.find(name) != std::string::npos) {
        break;
      }
    }
    event_latency.push_back(ms_since(start));
  }
  print_pair("create -> watch event", event_latency, unix_base);

  const int clients = 50;
  const int per_client = 200;
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<int> failures{0};
  const auto concurrent_start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        http_test::TlsClient client(server.port, server.ca());
        for (int i = 0; i < per_client; ++i) {
          const auto start = Clock::now();
          const auto reply =
              client.send("GET", base + "/job-" + std::to_string(i % jobs), server.token);
          latencies[c].push_back(ms_since(start));
          if (reply.status != 200) ++failures;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double concurrent_ms = ms_since(concurrent_start);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const auto single = timed_gets(tls, base + "/job-0", 2000, tls_fn);
  std::printf(
      "%d TLS connections x %d GETs: %.0f req/s, p50 %.3f ms, p99 %.3f ms, %d failed "
      "(one connection: %.0f req/s)\n",
      clients, per_client, all.size() * 1000.0 / concurrent_ms, percentile(all, 0.5),
      percentile(all, 0.99), failures.load(),
      1000.0 / (std::accumulate(single.begin(), single.end(), 0.0) / single.size()));
  return failures.load() == 0 ? 0 : 1;
}
