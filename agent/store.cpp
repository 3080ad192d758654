#include "agent/store.hpp"

#include <cerrno>
#include <string_view>
#include <utility>

#include "agent/store_schema.hpp"

namespace agent {

namespace {

std::string describe(const ObjectKey& key) {
  std::string text = key.resource;
  text += ' ';
  if (!key.name_space.empty()) {
    text += key.name_space;
    text += '/';
  }
  text += key.name;
  return text;
}

std::string_view verb(ChangeType type) {
  switch (type) {
    case ChangeType::added:
      return "create";
    case ChangeType::modified:
      return "update";
    case ChangeType::deleted:
      return "delete";
  }
  return "write";
}

// A write's error says which write it was: "update pods default/x: database or disk is full".
base::Result<WriteResult> with_context(base::Result<WriteResult> result, ChangeType type,
                                       const ObjectKey& key) {
  if (result.ok()) return result;
  return result.error().context(std::string(verb(type)) + ' ' + describe(key));
}

base::Result<std::int64_t> read_meta(sqlite::Database& db, std::string_view key) {
  auto statement = db.prepare("SELECT value FROM meta WHERE key = ?1");
  if (!statement.ok()) return statement.error();
  statement->bind(1, key);
  auto row = statement->step();
  if (!row.ok()) return row.error();
  if (!*row) return base::Error("store metadata has no " + std::string(key));
  return statement->column_int(0);
}

base::Status write_meta(sqlite::Database& db, std::string_view key, std::int64_t value) {
  auto statement = db.prepare("UPDATE meta SET value = ?2 WHERE key = ?1");
  if (!statement.ok()) return statement.error();
  return statement->bind(1, key).bind(2, value).run();
}

base::Result<std::optional<StoredObject>> read_object(sqlite::Database& db, const ObjectKey& key) {
  auto statement = db.prepare(
      "SELECT uid, rv, json FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3");
  if (!statement.ok()) return statement.error();
  statement->bind(1, key.resource).bind(2, key.name_space).bind(3, key.name);
  auto row = statement->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<StoredObject>();
  return std::optional<StoredObject>(StoredObject{
      key, statement->column_text(0), statement->column_int(1), statement->column_text(2)});
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; anything that fails rolls the whole
// transaction back, so the database never holds half a write.
template <typename Body>
auto in_transaction(sqlite::Database& db, std::string_view begin, Body&& body) -> decltype(body()) {
  if (auto began = db.exec(begin); !began.ok()) return began.error();
  auto result = body();
  if (!result.ok()) {
    (void)db.exec("ROLLBACK");  // the body's error is the one worth reporting
    return result;
  }
  if (auto committed = db.exec("COMMIT"); !committed.ok()) {
    (void)db.exec("ROLLBACK");
    return committed.error();
  }
  return result;
}

}  // namespace

// A small pool of read-only connections, so reads run in parallel with each other and with the
// writer (WAL gives each one a snapshot), without opening a connection per call.
class Store::Readers {
 public:
  explicit Readers(std::filesystem::path file) : file_(std::move(file)) {}

  class Lease {
   public:
    Lease(Readers& pool, sqlite::Database db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->give_back(std::move(*db_));
    }
    sqlite::Database& db() { return *db_; }

   private:
    Readers* pool_;
    std::optional<sqlite::Database> db_;
  };

  base::Result<Lease> take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Lease lease(*this, std::move(idle_.back()));
        idle_.pop_back();
        return lease;
      }
    }
    auto db = sqlite::Database::open(file_, sqlite::Database::Mode::read_only);
    if (!db.ok()) return db.error();
    return Lease(*this, std::move(*db));
  }

 private:
  // Connections beyond this many are closed when returned (bursts do not pin memory).
  static constexpr std::size_t kMaxIdle = 4;

  void give_back(sqlite::Database db) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
  }

  std::filesystem::path file_;
  std::mutex mutex_;
  std::vector<sqlite::Database> idle_;
};

Store::Store(std::filesystem::path file, StoreOptions options, sqlite::Database writer)
    : file_(std::move(file)),
      options_(options),
      writer_(std::move(writer)),
      readers_(std::make_unique<Readers>(file_)) {}

Store::~Store() = default;

base::Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& file,
                                                 StoreOptions options) {
  const std::string what = "open store " + file.string();
  auto db = sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
  if (!db.ok()) return db.error().context(what);
  if (db->read_only()) {
    return base::Error::with_errno(
        what + ": the database is read-only (is the state directory writable?)", EROFS);
  }
  // WAL: readers never block the writer; FULL: a write is on disk before it is acknowledged.
  if (auto set = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"); !set.ok()) {
    return set.error().context(what);
  }
  {
    auto mode = db->prepare("PRAGMA journal_mode");
    if (!mode.ok()) return mode.error().context(what);
    if (auto row = mode->step(); !row.ok() || !*row || mode->column_text(0) != "wal") {
      return base::Error(what + ": the database cannot use write-ahead logging");
    }
  }  // finalised here: an unfinished statement would block the migrations' COMMIT
  if (auto migrated = migrate_store_schema(*db); !migrated.ok()) {
    return migrated.error().context(what);
  }
  return std::unique_ptr<Store>(new Store(file, options, std::move(*db)));
}

base::Result<WriteResult> Store::create(const ObjectKey& key, const std::string& uid,
                                        const Render& render) {
  return write(key, ChangeType::added, uid, {}, render);
}

base::Result<WriteResult> Store::update(const ObjectKey& key, const Preconditions& preconditions,
                                        const Render& render) {
  return write(key, ChangeType::modified, {}, preconditions, render);
}

base::Result<WriteResult> Store::remove(const ObjectKey& key, const Preconditions& preconditions,
                                        const Render& render) {
  return write(key, ChangeType::deleted, {}, preconditions, render);
}

base::Result<WriteResult> Store::update_with_side_record(const ObjectKey& key,
                                                         const Preconditions& preconditions,
                                                         const Render& render,
                                                         const std::string& side_record) {
  return write(key, ChangeType::modified, {}, preconditions, render, side_record);
}

base::Result<std::optional<std::string>> Store::side_record(const std::string& owner_uid) {
  const std::string what = "read side record of " + owner_uid;
  auto lease = readers_->take();
  if (!lease.ok()) return lease.error().context(what);
  auto statement = lease->db().prepare("SELECT value FROM side_records WHERE owner_uid = ?1");
  if (!statement.ok()) return statement.error().context(what);
  statement->bind(1, owner_uid);
  auto row = statement->step();
  if (!row.ok()) return row.error().context(what);
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(statement->column_text(0)));
}

struct Store::PendingWrite {
  const ObjectKey& key;
  ChangeType type;
  const std::string& create_uid;
  const Preconditions& preconditions;
  const Render& render;
  const std::optional<std::string>& side_record;
  // Set by the group's leader under queue_mutex_, once the group is done: the writer's thread
  // may return (and this struct go) as soon as it sees it.
  std::optional<base::Result<WriteResult>> result;
};

base::Result<WriteResult> Store::write(const ObjectKey& key, ChangeType type,
                                       const std::string& create_uid,
                                       const Preconditions& preconditions, const Render& render,
                                       const std::optional<std::string>& side_record) {
  PendingWrite w{key, type, create_uid, preconditions, render, side_record, {}};
  submit({&w});
  return with_context(std::move(*w.result), type, key);
}

std::vector<base::Result<WriteResult>> Store::write_group(const std::vector<GroupWrite>& writes) {
  static const std::optional<std::string> kNoSideRecord;
  std::vector<PendingWrite> pending;
  pending.reserve(writes.size());
  for (const GroupWrite& g : writes) {
    pending.push_back(
        PendingWrite{g.key, g.type, g.uid, g.preconditions, g.render, kNoSideRecord, {}});
  }
  std::vector<PendingWrite*> queued;
  for (PendingWrite& w : pending) queued.push_back(&w);
  submit(queued);
  std::vector<base::Result<WriteResult>> results;
  results.reserve(pending.size());
  for (PendingWrite& w : pending)
    results.push_back(with_context(std::move(*w.result), w.type, w.key));
  return results;
}

void Store::submit(const std::vector<PendingWrite*>& writes) {
  std::unique_lock lock(queue_mutex_);
  queue_.insert(queue_.end(), writes.begin(), writes.end());
  const auto all_done = [&] {
    for (const PendingWrite* w : writes) {
      if (!w->result) return false;
    }
    return true;
  };
  // Whoever finds no leader leads: it takes everything queued so far (its own writes included,
  // unless an earlier leader already took and committed them) and commits it as one group.
  while (!all_done()) {
    if (leading_) {
      group_done_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<PendingWrite*> group;
    group.swap(queue_);
    lock.unlock();
    auto results = commit_group(group);
    lock.lock();
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->result = std::move(results[i]);
    leading_ = false;
    group_done_.notify_all();
  }
}

std::vector<base::Result<WriteResult>> Store::commit_group(
    const std::vector<PendingWrite*>& group) {
  std::lock_guard lock(write_mutex_);
  std::vector<base::Result<WriteResult>> results(group.size(), base::Error("write: no result"));
  std::vector<std::optional<Change>> committed(group.size());
  const auto fail_all = [&](const base::Error& error) {
    for (auto& result : results) result = error;
    return std::move(results);
  };
  if (auto began = writer_.exec("BEGIN IMMEDIATE"); !began.ok()) return fail_all(began.error());
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (auto mark = writer_.exec("SAVEPOINT one_write"); !mark.ok()) {
      results[i] = mark.error();
      continue;
    }
    try {
      results[i] = apply(*group[i], committed[i]);
    } catch (const std::exception& e) {  // a throwing render must not leave the group half-done
      results[i] = base::Error(std::string("render: ") + e.what());
    }
    if (!results[i].ok() || results[i]->outcome != WriteOutcome::written) {
      committed[i].reset();
      if (auto undone = writer_.exec("ROLLBACK TO one_write"); !undone.ok()) {
        (void)writer_.exec("ROLLBACK");
        return fail_all(undone.error());
      }
    }
    (void)writer_.exec("RELEASE one_write");
  }
  if (auto done = writer_.exec("COMMIT"); !done.ok()) {
    (void)writer_.exec("ROLLBACK");
    return fail_all(done.error());
  }
  if (listener_) {
    for (const auto& change : committed) {
      if (change) listener_(*change);
    }
  }
  return results;
}

base::Result<WriteResult> Store::apply(const PendingWrite& w, std::optional<Change>& committed) {
  const ObjectKey& key = w.key;
  const ChangeType type = w.type;
  auto current = read_object(writer_, key);
  if (!current.ok()) return current.error();
  if (type == ChangeType::added && current->has_value()) {
    return WriteResult{WriteOutcome::already_exists, **current};
  }
  if (type != ChangeType::added) {
    if (!current->has_value()) return WriteResult{WriteOutcome::not_found, {}};
    const StoredObject& existing = **current;
    if ((w.preconditions.resource_version &&
         *w.preconditions.resource_version != existing.resource_version) ||
        (w.preconditions.uid && *w.preconditions.uid != existing.uid)) {
      return WriteResult{WriteOutcome::conflict, existing};
    }
  }

  auto last = read_meta(writer_, "last_rv");
  if (!last.ok()) return last.error();
  StoredObject written{key, type == ChangeType::added ? w.create_uid : (*current)->uid, *last + 1,
                       w.render(*last + 1)};

  auto change = type == ChangeType::deleted
                    ? writer_.prepare(
                          "DELETE FROM objects WHERE resource = ?1 AND namespace = ?2 "
                          "AND name = ?3")
                    : writer_.prepare(
                          "INSERT OR REPLACE INTO objects (resource, namespace, name, uid, rv, "
                          "json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!change.ok()) return change.error();
  change->bind(1, key.resource).bind(2, key.name_space).bind(3, key.name);
  if (type != ChangeType::deleted) {
    change->bind(4, written.uid).bind(5, written.resource_version).bind(6, written.json);
  }
  if (auto done = change->run(); !done.ok()) return done.error();
  if (w.side_record || type == ChangeType::deleted) {
    auto side = w.side_record ? writer_.prepare(
                                    "INSERT OR REPLACE INTO side_records (owner_uid, value) "
                                    "VALUES (?1, ?2)")
                              : writer_.prepare("DELETE FROM side_records WHERE owner_uid = ?1");
    if (!side.ok()) return side.error();
    side->bind(1, written.uid);
    if (w.side_record) side->bind(2, *w.side_record);
    if (auto done = side->run(); !done.ok()) return done.error();
  }

  auto log = writer_.prepare(
      "INSERT INTO changes (rv, type, resource, namespace, name, uid, json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!log.ok()) return log.error();
  log->bind(1, written.resource_version)
      .bind(2, static_cast<std::int64_t>(type))
      .bind(3, key.resource)
      .bind(4, key.name_space)
      .bind(5, key.name)
      .bind(6, written.uid)
      .bind(7, written.json);
  if (auto done = log->run(); !done.ok()) return done.error();
  if (auto done = write_meta(writer_, "last_rv", written.resource_version); !done.ok()) {
    return done.error();
  }

  // Every write adds exactly one change, so "keep the newest N" is "drop rv <= last - N".
  const std::int64_t drop_through = written.resource_version - options_.change_retention;
  if (drop_through > 0) {
    auto compact = writer_.prepare("DELETE FROM changes WHERE rv <= ?1");
    if (!compact.ok()) return compact.error();
    if (auto done = compact->bind(1, drop_through).run(); !done.ok()) return done.error();
    if (auto done = write_meta(writer_, "compacted_rv", drop_through); !done.ok()) {
      return done.error();
    }
  }
  committed = Change{type, written};
  return WriteResult{WriteOutcome::written, std::move(written)};
}

base::Result<std::optional<StoredObject>> Store::get(const ObjectKey& key) {
  auto lease = readers_->take();
  if (!lease.ok()) return lease.error().context("get " + describe(key));
  auto object = read_object(lease->db(), key);
  if (!object.ok()) return object.error().context("get " + describe(key));
  return object;
}

base::Result<ListResult> Store::list(const std::string& resource,
                                     const std::optional<std::string>& name_space) {
  const std::string what = "list " + resource;
  auto lease = readers_->take();
  if (!lease.ok()) return lease.error().context(what);
  sqlite::Database& db = lease->db();
  auto result = in_transaction(db, "BEGIN", [&]() -> base::Result<ListResult> {
    ListResult listed;
    auto rv = read_meta(db, "last_rv");
    if (!rv.ok()) return rv.error();
    listed.resource_version = *rv;
    auto statement =
        name_space ? db.prepare(
                         "SELECT namespace, name, uid, rv, json FROM objects WHERE resource = ?1 "
                         "AND namespace = ?2 ORDER BY namespace, name")
                   : db.prepare(
                         "SELECT namespace, name, uid, rv, json FROM objects WHERE resource = ?1 "
                         "ORDER BY namespace, name");
    if (!statement.ok()) return statement.error();
    statement->bind(1, resource);
    if (name_space) statement->bind(2, *name_space);
    for (;;) {
      auto row = statement->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      listed.objects.push_back(StoredObject{
          ObjectKey{resource, statement->column_text(0), statement->column_text(1)},
          statement->column_text(2), statement->column_int(3), statement->column_text(4)});
    }
    return listed;
  });
  if (!result.ok()) return result.error().context(what);
  return result;
}

base::Result<ChangesResult> Store::changes_since(ResourceVersion since, std::size_t limit) {
  const std::string what = "read changes since resourceVersion " + std::to_string(since);
  auto lease = readers_->take();
  if (!lease.ok()) return lease.error().context(what);
  sqlite::Database& db = lease->db();
  auto result = in_transaction(db, "BEGIN", [&]() -> base::Result<ChangesResult> {
    ChangesResult found;
    auto last = read_meta(db, "last_rv");
    if (!last.ok()) return last.error();
    auto compacted = read_meta(db, "compacted_rv");
    if (!compacted.ok()) return compacted.error();
    found.resource_version = *last;
    if (since < *compacted) {
      found.expired = true;
      return found;
    }
    auto statement = db.prepare(
        "SELECT rv, type, resource, namespace, name, uid, json FROM changes WHERE rv > ?1 "
        "ORDER BY rv LIMIT ?2");
    if (!statement.ok()) return statement.error();
    statement->bind(1, since).bind(2, static_cast<std::int64_t>(limit));
    for (;;) {
      auto row = statement->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      found.changes.push_back(
          Change{static_cast<ChangeType>(statement->column_int(1)),
                 StoredObject{ObjectKey{statement->column_text(2), statement->column_text(3),
                                        statement->column_text(4)},
                              statement->column_text(5), statement->column_int(0),
                              statement->column_text(6)}});
    }
    return found;
  });
  if (!result.ok()) return result.error().context(what);
  return result;
}

base::Result<ResourceVersion> Store::current_resource_version() {
  auto lease = readers_->take();
  if (!lease.ok()) return lease.error().context("read resourceVersion");
  auto rv = read_meta(lease->db(), "last_rv");
  if (!rv.ok()) return rv.error().context("read resourceVersion");
  return rv;
}

void Store::set_commit_listener(std::function<void(const Change&)> listener) {
  std::lock_guard lock(write_mutex_);
  listener_ = std::move(listener);
}

}  // namespace agent
