// agent/store_schema.hpp: the store's SQLite schema and its migrations.
//
// Contract: migrate() brings a database to the newest schema this batchlet knows, one numbered
// step at a time, each step in its own transaction together with its `PRAGMA user_version`, so a
// crash mid-migration leaves the previous version intact. A database from a newer batchlet is
// refused, never "downgraded".
//
// Version 1:
//   objects(resource, namespace, name, uid, rv, json)  one row per live object
//   changes(rv, type, resource, namespace, name, uid, json)  the ordered change log (watches)
//   meta(key, value)  last_rv: the newest resourceVersion handed out (survives deletes and
//                     compaction); compacted_rv: changes up to here were dropped from the log
#pragma once

#include "agent/sqlite.hpp"
#include "base/result.hpp"

namespace agent {

inline constexpr int kStoreSchemaVersion = 2;

base::Status migrate_store_schema(sqlite::Database& db);

}  // namespace agent
