// api/object_store.hpp: the storage the API serves from, declared here and implemented by the
// agent (agent/store.hpp, SQLite) — the API never sees how objects are kept.
//
// Contract (what every implementation guarantees):
// - Objects are JSON documents keyed by (resource, namespace, name), e.g. ("jobs.batch",
//   "default", "pi"); cluster-scoped resources use namespace "". The store does not interpret the
//   JSON: the caller renders it for the resourceVersion the store assigns (`Render`), so the
//   stored document always carries its own metadata.resourceVersion.
// - Every acknowledged write gets the next resourceVersion of one counter over all resources,
//   which only grows, also across restarts, and appends one Change to an ordered log that
//   changes_since() replays for watches; a log position older than what is kept is `expired`
//   (HTTP 410).
// - Preconditions (exists / does not exist / expected resourceVersion / expected uid) are
//   outcomes, not errors; errors are I/O failures, whose sys_errno() says what happened.
// - Reads see one consistent snapshot each.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace api {

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

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual base::Result<WriteResult> create(const ObjectKey& key, const std::string& uid,
                                           const Render& render) = 0;
  virtual base::Result<WriteResult> update(const ObjectKey& key, const Preconditions& preconditions,
                                           const Render& render) = 0;
  virtual base::Result<WriteResult> remove(const ObjectKey& key, const Preconditions& preconditions,
                                           const Render& render) = 0;

  virtual base::Result<std::optional<StoredObject>> get(const ObjectKey& key) = 0;
  // All objects of `resource`, in `name_space` or in every namespace when it is nullopt.
  virtual base::Result<ListResult> list(const std::string& resource,
                                        const std::optional<std::string>& name_space) = 0;
  // Changes after `since` (exclusive), oldest first, at most `limit`.
  virtual base::Result<ChangesResult> changes_since(ResourceVersion since,
                                                    std::size_t limit = 10000) = 0;
  virtual base::Result<ResourceVersion> current_resource_version() = 0;
};

}  // namespace api
