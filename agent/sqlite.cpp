#include "agent/sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>

namespace agent::sqlite {

namespace {

// How long a connection waits for another's lock before giving up with SQLITE_BUSY. Writes are
// single-object transactions of microseconds; seconds of waiting mean something is stuck.
constexpr int kBusyTimeoutMs = 5000;

int errno_of(sqlite3* db, int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
      return ENOSPC;
    case SQLITE_READONLY:
      return EROFS;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return EIO;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return EACCES;
    case SQLITE_NOMEM:
      return ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: {
      const int system = db != nullptr ? sqlite3_system_errno(db) : 0;
      return system != 0 ? system : EIO;
    }
    default:
      return 0;
  }
}

base::Error failure(sqlite3* db, int code, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return base::Error::with_errno(std::move(message), errno_of(db, code));
}

std::string shorten(std::string_view sql) {
  constexpr std::size_t kShown = 60;
  std::string shown(sql.substr(0, kShown));
  for (char& c : shown) {
    if (c == '\n') c = ' ';
  }
  if (sql.size() > kShown) shown += "...";
  return shown;
}

}  // namespace

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Database::~Database() = default;
Statement::~Statement() = default;

base::Result<Database> Database::open(const std::filesystem::path& file, Mode mode) {
  const int flags =
      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
      (mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  Database db(raw);  // owns the handle even when opening failed
  const std::string what = "open database " + file.string();
  if (code != SQLITE_OK) return failure(raw, code, what);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return db;
}

base::Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  const int code = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return failure(db_.get(), code, shorten(sql));
  return {};
}

base::Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int code = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  Statement statement(db_.get(), stmt, std::string(sql));
  if (code != SQLITE_OK) return failure(db_.get(), code, "prepare " + shorten(sql));
  return statement;
}

bool Database::read_only() const { return sqlite3_db_readonly(db_.get(), "main") == 1; }

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}

base::Result<bool> Statement::step() {
  const int code = sqlite3_step(stmt_.get());
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return failure(db_, code, shorten(sql_));
}

base::Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row.ok()) return row.error();
    if (!*row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), index));
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  return text != nullptr ? std::string(text, static_cast<std::size_t>(size)) : std::string();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

}  // namespace agent::sqlite
