// agent/store.hpp: the durable object store — what etcd is to the API server, on one SQLite file.
//
// Contract:
// - Objects are JSON documents keyed by (resource, namespace, name), e.g. ("jobs.batch",
//   "default", "pi"); cluster-scoped resources use namespace "". The store does not interpret the
//   JSON: the caller renders it for the resourceVersion the store assigns (`Render`), so the
//   stored document always carries its own metadata.resourceVersion.
// - Every acknowledged write is durable (WAL, synchronous=FULL) and gets the next
//   resourceVersion, a single counter over all resources that only grows, also across restarts.
// - Every write appends a change (ADDED / MODIFIED / DELETED with the object as written) to an
//   ordered log. changes_since(rv) replays it for watches; the log keeps the newest
//   `change_retention` entries, and a watch from before that is told `expired` (HTTP 410).
// - Preconditions (exists / does not exist / expected resourceVersion / expected uid) are
//   outcomes, not errors; errors are I/O failures, whose sys_errno() says what happened (ENOSPC:
//   disk full, EROFS: read-only). A failed write changes nothing, on disk or in memory.
// - One writer at a time (writes are serialised inside), many concurrent readers, each read
//   seeing one consistent snapshot. No lock is held outside a call.
// - The commit listener runs after each write commits, in resourceVersion order, under the
//   writer's lock: it must only hand the change on (e.g. to a watch fan-out), never call back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/sqlite.hpp"
#include "base/result.hpp"

namespace agent {

using ResourceVersion = std::int64_t;

struct ObjectKey {
  std::string resource;    // "jobs.batch", "pods", "events", "namespaces"
  std::string name_space;  // "" for cluster-scoped resources
  std::string name;
  bool operator==(const ObjectKey&) const = default;
};

struct StoredObject {
  ObjectKey key;
  std::string uid;
  ResourceVersion resource_version = 0;
  std::string json;
};

enum class ChangeType { added, modified, deleted };

struct Change {
  ChangeType type = ChangeType::added;
  StoredObject object;  // as written by this change (for deleted: the last state, new rv)
};

// Renders the object's JSON for the resourceVersion it is about to be stored with.
using Render = std::function<std::string(ResourceVersion)>;

// Why a write did not happen (the caller turns these into 404 / 409 Statuses).
enum class WriteOutcome { written, not_found, already_exists, conflict };

struct WriteResult {
  WriteOutcome outcome = WriteOutcome::written;
  StoredObject object;  // written: the new state; conflict: the current state
};

struct Preconditions {
  std::optional<ResourceVersion> resource_version;
  std::optional<std::string> uid;
};

struct ListResult {
  std::vector<StoredObject> objects;     // ordered by namespace, then name
  ResourceVersion resource_version = 0;  // the store's resourceVersion at the snapshot
};

struct ChangesResult {
  bool expired = false;  // `since` is older than the retained log
  std::vector<Change> changes;
  ResourceVersion resource_version = 0;
};

struct StoreOptions {
  // Changes kept for watches to resume from (the API server keeps ~5 minutes of etcd history;
  // a count bounds the file the same way without depending on the write rate).
  std::int64_t change_retention = 10000;
};

class Store {
 public:
  // Opens or creates the database, applying schema migrations. Fails on a database written by a
  // newer batchlet, a corrupt file, or a state directory that cannot be written.
  static base::Result<std::unique_ptr<Store>> open(const std::filesystem::path& file,
                                                   StoreOptions options = {});
  ~Store();

  base::Result<WriteResult> create(const ObjectKey& key, const std::string& uid,
                                   const Render& render);
  base::Result<WriteResult> update(const ObjectKey& key, const Preconditions& preconditions,
                                   const Render& render);
  base::Result<WriteResult> remove(const ObjectKey& key, const Preconditions& preconditions,
                                   const Render& render);

  base::Result<std::optional<StoredObject>> get(const ObjectKey& key);
  // All objects of `resource`, in `name_space` or in every namespace when it is nullopt.
  base::Result<ListResult> list(const std::string& resource,
                                const std::optional<std::string>& name_space);
  // Changes after `since` (exclusive), oldest first, at most `limit`.
  base::Result<ChangesResult> changes_since(ResourceVersion since, std::size_t limit = 10000);
  base::Result<ResourceVersion> current_resource_version();

  void set_commit_listener(std::function<void(const Change&)> listener);

 private:
  class Readers;
  Store(std::filesystem::path file, StoreOptions options, sqlite::Database writer);
  base::Result<WriteResult> write(const ObjectKey& key, ChangeType type,
                                  const std::string& create_uid, const Preconditions& preconditions,
                                  const Render& render);

  std::filesystem::path file_;
  StoreOptions options_;
  std::mutex write_mutex_;
  sqlite::Database writer_;
  std::function<void(const Change&)> listener_;
  std::unique_ptr<Readers> readers_;
};

}  // namespace agent
