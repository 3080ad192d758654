// agent/store.hpp: the durable object store — what etcd is to the API server, on one SQLite file;
// the implementation of api::ObjectStore (whose header states the contract every store keeps).
//
// What this implementation adds:
// - Every acknowledged write is durable (WAL, synchronous=FULL); a failed write changes nothing,
//   on disk or in memory. ENOSPC: disk full; EROFS: read-only state directory.
// - The change log keeps the newest `change_retention` entries.
// - One writer at a time, many concurrent readers on a small pool of read-only connections. No
//   lock is held outside a call. Writes that arrive while a transaction is being committed are
//   committed together in the next one (group commit: one fsync for the group), each inside its
//   own savepoint, so each keeps its own outcome: a conflict or a failed statement undoes only
//   that write; a failed COMMIT fails every write of the group. A write's render callback may
//   run on the thread of another writer of its group (the caller waits meanwhile).
// - Side records: agent-private text kept per object uid (the Job controller's backoff record,
//   spec §0 "durable backoff"), written in the same transaction as an update of its object so
//   the two never disagree after a crash, removed with the object, and never served.
// - The commit listener runs after each write commits, in resourceVersion order, under the
//   writer's lock: it must only hand the change on (e.g. to a watch fan-out), never call back.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/sqlite.hpp"
#include "api/object_store.hpp"
#include "base/result.hpp"

namespace agent {

using api::Change;
using api::ChangesResult;
using api::ChangeType;
using api::ListResult;
using api::ObjectKey;
using api::Preconditions;
using api::Render;
using api::ResourceVersion;
using api::StoredObject;
using api::WriteOutcome;
using api::WriteResult;

struct StoreOptions {
  // Changes kept for watches to resume from (the API server keeps ~5 minutes of etcd history;
  // a count bounds the file the same way without depending on the write rate).
  std::int64_t change_retention = 10000;
};

class Store final : public api::ObjectStore {
 public:
  // Opens or creates the database, applying schema migrations. Fails on a database written by a
  // newer batchlet, a corrupt file, or a state directory that cannot be written.
  static base::Result<std::unique_ptr<Store>> open(const std::filesystem::path& file,
                                                   StoreOptions options = {});
  ~Store() override;

  base::Result<WriteResult> create(const ObjectKey& key, const std::string& uid,
                                   const Render& render) override;
  base::Result<WriteResult> update(const ObjectKey& key, const Preconditions& preconditions,
                                   const Render& render) override;
  base::Result<WriteResult> remove(const ObjectKey& key, const Preconditions& preconditions,
                                   const Render& render) override;

  // update() that also replaces the side record of the object's uid, atomically.
  base::Result<WriteResult> update_with_side_record(const ObjectKey& key,
                                                    const Preconditions& preconditions,
                                                    const Render& render,
                                                    const std::string& side_record);
  // Several writes submitted at once: committed in one group (see the contract), each with its
  // own outcome, in order. For writers with many small independent writes (events).
  struct GroupWrite {
    ChangeType type = ChangeType::added;  // added: create, modified: update, deleted: remove
    ObjectKey key;
    std::string uid;  // of a created object
    Preconditions preconditions;
    Render render;
  };
  std::vector<base::Result<WriteResult>> write_group(const std::vector<GroupWrite>& writes);

  // The side record of the object with `owner_uid`, if one was written.
  base::Result<std::optional<std::string>> side_record(const std::string& owner_uid);

  base::Result<std::optional<StoredObject>> get(const ObjectKey& key) override;
  // All objects of `resource`, in `name_space` or in every namespace when it is nullopt.
  base::Result<ListResult> list(const std::string& resource,
                                const std::optional<std::string>& name_space) override;
  // Changes after `since` (exclusive), oldest first, at most `limit`.
  base::Result<ChangesResult> changes_since(ResourceVersion since,
                                            std::size_t limit = 10000) override;
  base::Result<ResourceVersion> current_resource_version() override;

  void set_commit_listener(std::function<void(const Change&)> listener);

 private:
  class Readers;
  Store(std::filesystem::path file, StoreOptions options, sqlite::Database writer);
  struct PendingWrite;
  base::Result<WriteResult> write(const ObjectKey& key, ChangeType type,
                                  const std::string& create_uid, const Preconditions& preconditions,
                                  const Render& render,
                                  const std::optional<std::string>& side_record = std::nullopt);
  // Queues `writes` and returns once each has its result (leading a group when nobody does).
  void submit(const std::vector<PendingWrite*>& writes);
  // The leader's part of a group commit: one transaction for `group`, results into each.
  std::vector<base::Result<WriteResult>> commit_group(const std::vector<PendingWrite*>& group);
  // One write inside the group's transaction; `committed` gets its change when it is written.
  base::Result<WriteResult> apply(const PendingWrite& w, std::optional<Change>& committed);

  std::filesystem::path file_;
  StoreOptions options_;
  std::mutex queue_mutex_;  // guards queue_ and leading_
  std::condition_variable group_done_;
  std::vector<PendingWrite*> queue_;
  bool leading_ = false;
  std::mutex write_mutex_;  // guards writer_ and listener_
  sqlite::Database writer_;
  std::function<void(const Change&)> listener_;
  std::unique_ptr<Readers> readers_;
};

}  // namespace agent
