// tests/systemd/journal_log_test.cpp: the journal fields of log lines, and when stderr counts
// as the journal.
#include "systemd/journal_log.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("trailing key=value words become journal fields", "[unit]") {
  CHECK(systemd::journal_fields("Normal Completed: Job completed namespace=default job=pi") ==
        Fields{{"NAMESPACE", "default"}, {"JOB_NAME", "pi"}});
  CHECK(systemd::journal_fields("Warning BackOff: Back-off restarting failed container c in pod "
                                "x namespace=ns pod=p-1 pod_uid=8f0c") ==
        Fields{{"NAMESPACE", "ns"}, {"POD_NAME", "p-1"}, {"POD_UID", "8f0c"}});
  CHECK(systemd::journal_fields("stopped container=main") == Fields{{"CONTAINER_NAME", "main"}});
  // Only the trailing run counts; words that are not key=value end it.
  CHECK(systemd::journal_fields("a=b in the middle then text").empty());
  CHECK(systemd::journal_fields("ratio a=b 1+1=2") == Fields{});
  CHECK(systemd::journal_fields("Upper=case") == Fields{});
  CHECK(systemd::journal_fields("empty= value") == Fields{});
  CHECK(systemd::journal_fields("") == Fields{});
}

TEST_CASE("stderr is the journal only when JOURNAL_STREAM names it", "[unit]") {
  const char* saved = std::getenv("JOURNAL_STREAM");
  const std::string before = saved != nullptr ? saved : "";
  struct stat st {};
  REQUIRE(::fstat(2, &st) == 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::unsetenv("JOURNAL_STREAM");
  CHECK_FALSE(systemd::stderr_is_journal());
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  CHECK(systemd::stderr_is_journal());
  ::setenv("JOURNAL_STREAM", (mine + "1").c_str(), 1);
  CHECK_FALSE(systemd::stderr_is_journal());
  if (saved != nullptr) {
    ::setenv("JOURNAL_STREAM", before.c_str(), 1);
  } else {
    ::unsetenv("JOURNAL_STREAM");
  }
}
