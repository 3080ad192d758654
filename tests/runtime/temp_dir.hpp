// tests/runtime/temp_dir.hpp: a fresh directory under /tmp (or another parent), removed with its
// contents at scope exit (also when a test fails). Containers on the host rootfs get a private
// /tmp: what they must see from the host goes under /var/tmp.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& parent = "/tmp") {
    std::string tmpl = parent + "/batchlet-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};
