#include "agent/store_schema.hpp"

#include <array>
#include <string>
#include <string_view>

namespace agent {

namespace {

// kMigrations[i] takes the schema from version i to version i + 1.
constexpr std::array<std::string_view, kStoreSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE objects (
  resource TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  rv INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (resource, namespace, name)
) WITHOUT ROWID;
CREATE TABLE changes (
  rv INTEGER PRIMARY KEY,
  type INTEGER NOT NULL,
  resource TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('last_rv', 0), ('compacted_rv', 0);
)sql",
    // Agent-private state kept next to an object and written in the same transaction (the Job
    // controller's backoff record); never served by the API.
    R"sql(
CREATE TABLE side_records (owner_uid TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
)sql",
};

base::Result<int> schema_version(sqlite::Database& db) {
  auto statement = db.prepare("PRAGMA user_version");
  if (!statement.ok()) return statement.error();
  auto row = statement->step();
  if (!row.ok()) return row.error();
  return static_cast<int>(statement->column_int(0));
}

}  // namespace

base::Status migrate_store_schema(sqlite::Database& db) {
  auto version = schema_version(db);
  if (!version.ok()) return version.error().context("read schema version");
  if (*version > kStoreSchemaVersion) {
    return base::Error("store schema version " + std::to_string(*version) +
                       " is newer than this batchlet supports (" +
                       std::to_string(kStoreSchemaVersion) + ")");
  }
  for (int from = *version; from < kStoreSchemaVersion; ++from) {
    const std::string step = "migrate store schema from version " + std::to_string(from);
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kMigrations[static_cast<std::size_t>(from)];
    sql += "PRAGMA user_version = " + std::to_string(from + 1) + ";COMMIT;";
    if (auto done = db.exec(sql); !done.ok()) {
      (void)db.exec("ROLLBACK");
      return done.error().context(step);
    }
  }
  return {};
}

}  // namespace agent
