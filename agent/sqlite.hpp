// agent/sqlite.hpp: a thin RAII layer over the SQLite C API, nothing more.
//
// Contract: a Database owns one connection, a Statement one prepared statement; both close on
// destruction. Every failure becomes a base::Error reading "<what>: <sqlite message>" (for
// example "prepare SELECT ...: no such table: objects"); the SQLite result code is kept so
// callers can tell a full disk (SQLITE_FULL) or a busy database from a bug. A connection is used
// by one thread at a time (SQLITE_OPEN_NOMUTEX); callers serialise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace agent::sqlite {

class Statement;

class Database {
 public:
  enum class Mode { read_write_create, read_only };

  // Opens `file` (created when Mode::read_write_create), sets a busy timeout so readers and the
  // writer wait for each other's short transactions instead of failing.
  static base::Result<Database> open(const std::filesystem::path& file, Mode mode);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database();

  // Runs one or more statements without results (schema, pragmas, BEGIN/COMMIT).
  base::Status exec(std::string_view sql);
  base::Result<Statement> prepare(std::string_view sql);

  // True when SQLite could only open the file for reading (a read-only file or filesystem).
  bool read_only() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  friend class Statement;
};

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);

  // Advances: true when a row is available, false when done.
  base::Result<bool> step();
  // Runs a statement that returns no rows to completion.
  base::Status run();
  // Makes the statement reusable with new bindings.
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string sql_;
  friend class Database;
};

}  // namespace agent::sqlite
