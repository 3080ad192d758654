#include "runtime/layer_unpack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.hpp"
#include "runtime/path_clean.hpp"

namespace runtime {
namespace {

using base::Error;
using base::UniqueFd;

constexpr std::size_t kReadBuffer = 1 << 20;
constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

std::string archive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown archive error";
}

// An entry name relative to the layer root; climbing above the root is refused (as Docker's
// "breakout" check).
base::Result<std::vector<std::string>> clean_entry_path(std::string_view name) {
  auto parts = clean_relative_path(name);
  if (!parts) return Error("path escapes the layer root");
  return std::move(*parts);
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

int openat2_beneath(int dirfd, const std::string& path, std::uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof(how)));
}

Error escape_or_errno(std::string_view what, int err) {
  if (err == EXDEV) return Error(std::string(what) + ": path escapes the layer root");
  return Error::from_errno(what, err);
}

class Unpacker {
 public:
  Unpacker(int root, const UnpackLimits& limits) : root_(root), limits_(limits) {}

  base::Status entry(archive* reader, archive_entry* e);
  base::Status finish();
  UnpackResult& result() { return result_; }

 private:
  // Opens (creating missing directories) the directory holding parts[0..count) beneath root.
  base::Result<UniqueFd> open_dir(const std::vector<std::string>& parts, std::size_t count);
  base::Status remove_existing(int dir, const std::string& name, bool keep_directory);
  base::Status write_file(archive* reader, int dir, const std::string& name, archive_entry* e);
  base::Status apply_xattrs(int fd, archive_entry* e, const std::string& where);

  struct DirMeta {
    std::string path;
    mode_t mode;
    timespec times[2];
    uid_t uid;
    gid_t gid;
  };

  int root_;
  UnpackLimits limits_;
  UnpackResult result_;
  std::vector<DirMeta> dirs_;
  const bool as_root_ = ::geteuid() == 0;
  std::vector<char> buffer_ = std::vector<char>(kReadBuffer);
};

base::Result<UniqueFd> Unpacker::open_dir(const std::vector<std::string>& parts,
                                          std::size_t count) {
  const std::string path = join(parts, count);
  UniqueFd fd(openat2_beneath(root_, path, O_PATH | O_DIRECTORY));
  if (fd.valid()) return fd;
  if (errno != ENOENT) return escape_or_errno("open " + path, errno);
  // Walk and create: image layers often omit entries for parent directories.
  UniqueFd current(openat2_beneath(root_, ".", O_PATH | O_DIRECTORY));
  if (!current.valid()) return Error::from_errno("open layer root", errno);
  for (std::size_t i = 0; i < count; ++i) {
    UniqueFd next(openat2_beneath(current.get(), parts[i], O_PATH | O_DIRECTORY));
    if (!next.valid() && errno == ENOENT) {
      if (::mkdirat(current.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        return Error::from_errno("mkdir " + join(parts, i + 1), errno);
      }
      next.reset(openat2_beneath(current.get(), parts[i], O_PATH | O_DIRECTORY));
    }
    if (!next.valid()) return escape_or_errno("open " + join(parts, i + 1), errno);
    current = std::move(next);
  }
  return current;
}

base::Status Unpacker::remove_existing(int dir, const std::string& name, bool keep_directory) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return Error::from_errno("stat " + name, errno);
  }
  if (S_ISDIR(st.st_mode)) {
    if (keep_directory) return {};
    // A later entry replaces a directory of the same layer: remove the tree (rare).
    UniqueFd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub.valid()) return Error::from_errno("open " + name, errno);
    std::error_code ec;
    std::filesystem::remove_all("/proc/self/fd/" + std::to_string(sub.get()) + "/.", ec);
    if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0) {
      return Error::from_errno("remove directory " + name, errno);
    }
    return {};
  }
  if (::unlinkat(dir, name.c_str(), 0) != 0) return Error::from_errno("remove " + name, errno);
  return {};
}

base::Status Unpacker::apply_xattrs(int fd, archive_entry* e, const std::string& where) {
  if (archive_entry_xattr_reset(e) == 0) return {};
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    if (::fsetxattr(fd, name, value, size, 0) == 0) continue;
    const int err = errno;
    // Filesystems without xattrs, and trusted./security. names for an unprivileged unpack,
    // are skipped as containerd does; a user.* xattr that cannot be set is an error.
    if (err == ENOTSUP || (err == EPERM && std::string_view(name).substr(0, 5) != "user.")) {
      continue;
    }
    return Error::from_errno("set xattr " + std::string(name) + " on " + where, err);
  }
  return {};
}

base::Status Unpacker::write_file(archive* reader, int dir, const std::string& name,
                                  archive_entry* e) {
  UniqueFd fd(
      ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return Error::from_errno("create", errno);
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    const int r = archive_read_data_block(reader, &block, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return Error("read layer: " + archive_message(reader));
    result_.bytes += size;
    if (result_.bytes > limits_.max_bytes) {
      return Error("layer data exceeds the limit of " + std::to_string(limits_.max_bytes) +
                   " bytes");
    }
    const char* data = static_cast<const char*>(block);
    while (size > 0) {
      const ssize_t n = ::pwrite(fd.get(), data, size, offset);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error::from_errno("write", errno);
      }
      data += n;
      size -= static_cast<std::size_t>(n);
      offset += n;
    }
  }
  // Sparse files may end in a hole.
  if (::ftruncate(fd.get(), archive_entry_size(e)) != 0)
    return Error::from_errno("truncate", errno);
  if (as_root_ && ::fchown(fd.get(), archive_entry_uid(e), archive_entry_gid(e)) != 0) {
    return Error::from_errno("chown", errno);
  }
  if (::fchmod(fd.get(), archive_entry_perm(e)) != 0) return Error::from_errno("chmod", errno);
  if (auto s = apply_xattrs(fd.get(), e, name); !s) return s;
  const timespec times[2] = {{archive_entry_atime(e), archive_entry_atime_nsec(e)},
                             {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
  if (::futimens(fd.get(), times) != 0) return Error::from_errno("set times", errno);
  return {};
}

base::Status Unpacker::entry(archive* reader, archive_entry* e) {
  const char* raw_name = archive_entry_pathname(e);
  const std::string entry_name = raw_name != nullptr ? raw_name : "";
  const std::string what = "layer entry \"" + entry_name + "\"";
  if (++result_.entries > limits_.max_entries) {
    return Error("layer has more than " + std::to_string(limits_.max_entries) + " entries");
  }
  auto parts = clean_entry_path(entry_name);
  if (!parts) return parts.error().context(what);
  if (parts->empty()) return {};  // the root itself ("./")
  const la_int64_t claimed = archive_entry_size(e);
  if (claimed < 0 || static_cast<std::uint64_t>(claimed) > limits_.max_bytes - result_.bytes) {
    return Error(what + ": claims " + std::to_string(claimed) +
                 " bytes, more than the layer limit of " + std::to_string(limits_.max_bytes));
  }

  const std::string base_name = parts->back();
  auto dir = open_dir(*parts, parts->size() - 1);
  if (!dir) return dir.error().context(what);
  const int dfd = dir->get();

  // Whiteouts, converted to overlayfs' own format.
  if (base_name.compare(0, kWhiteoutPrefix.size(), kWhiteoutPrefix) == 0) {
    if (base_name == kOpaqueWhiteout) {
      UniqueFd d(::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!d.valid() || ::fsetxattr(d.get(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
        return Error::from_errno(what + ": mark directory opaque (needs CAP_SYS_ADMIN)", errno);
      }
      return {};
    }
    if (base_name.compare(0, kWhiteoutMetaPrefix.size(), kWhiteoutMetaPrefix) == 0) {
      return {};  // AUFS bookkeeping (.wh..wh.plnk and the like) has no overlay meaning
    }
    const std::string hidden = base_name.substr(kWhiteoutPrefix.size());
    if (hidden.empty() || hidden == "." || hidden == "..") {
      return Error(what + ": invalid whiteout");
    }
    if (auto s = remove_existing(dfd, hidden, false); !s) return s.error().context(what);
    if (::mknodat(dfd, hidden.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
      return Error::from_errno(what + ": create overlay whiteout (needs CAP_MKNOD)", errno);
    }
    return {};
  }

  const mode_t type = archive_entry_filetype(e);
  const char* hardlink = archive_entry_hardlink(e);
  const timespec times[2] = {{archive_entry_atime(e), archive_entry_atime_nsec(e)},
                             {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};

  if (hardlink != nullptr) {
    auto target = clean_entry_path(hardlink);
    if (!target) return target.error().context(what + ": hardlink to \"" + hardlink + "\"");
    if (target->empty()) return Error(what + ": hardlink to the layer root");
    auto target_dir = open_dir(*target, target->size() - 1);
    if (!target_dir) return target_dir.error().context(what + ": hardlink target");
    if (auto s = remove_existing(dfd, base_name, false); !s) return s.error().context(what);
    if (::linkat(target_dir->get(), target->back().c_str(), dfd, base_name.c_str(), 0) != 0) {
      return Error::from_errno(what + ": link to \"" + hardlink + "\"", errno);
    }
    return {};
  }

  if (auto s = remove_existing(dfd, base_name, type == AE_IFDIR); !s) {
    return s.error().context(what);
  }
  switch (type) {
    case AE_IFREG:
      if (auto s = write_file(reader, dfd, base_name, e); !s) return s.error().context(what);
      return {};
    case AE_IFDIR: {
      if (::mkdirat(dfd, base_name.c_str(), 0755) != 0 && errno != EEXIST) {
        return Error::from_errno(what + ": mkdir", errno);
      }
      UniqueFd d(openat2_beneath(dfd, base_name, O_RDONLY | O_DIRECTORY));
      if (!d.valid()) return escape_or_errno(what + ": open", errno);
      if (auto s = apply_xattrs(d.get(), e, entry_name); !s) return s;
      // Mode and times last: creating children would change the times, and a read-only mode
      // would stop an unprivileged unpack from creating them.
      dirs_.push_back({join(*parts, parts->size()),
                       archive_entry_perm(e),
                       {times[0], times[1]},
                       static_cast<uid_t>(archive_entry_uid(e)),
                       static_cast<gid_t>(archive_entry_gid(e))});
      return {};
    }
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(e);
      if (target == nullptr) return Error(what + ": symlink without a target");
      if (::symlinkat(target, dfd, base_name.c_str()) != 0) {
        return Error::from_errno(what + ": symlink", errno);
      }
      break;
    }
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO: {
      const dev_t dev = type == AE_IFIFO ? 0 : archive_entry_rdev(e);
      if (::mknodat(dfd, base_name.c_str(), type | archive_entry_perm(e), dev) != 0) {
        if (errno == EPERM && type != AE_IFIFO) {
          ++result_.skipped_devices;  // unprivileged: device nodes cannot be made
          return {};
        }
        return Error::from_errno(what + ": mknod", errno);
      }
      break;
    }
    case AE_IFSOCK:
      return {};  // sockets in layers carry no content; tar and containerd skip them too
    default:
      return Error(what + ": unsupported entry type");
  }
  if (as_root_ && ::fchownat(dfd, base_name.c_str(), archive_entry_uid(e), archive_entry_gid(e),
                             AT_SYMLINK_NOFOLLOW) != 0) {
    return Error::from_errno(what + ": chown", errno);
  }
  if (::utimensat(dfd, base_name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return Error::from_errno(what + ": set times", errno);
  }
  return {};
}

base::Status Unpacker::finish() {
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    UniqueFd d(openat2_beneath(root_, it->path, O_RDONLY | O_DIRECTORY));
    if (!d.valid()) {
      if (errno == ENOENT) continue;  // removed by a later entry
      return escape_or_errno("open " + it->path, errno);
    }
    if (as_root_ && ::fchown(d.get(), it->uid, it->gid) != 0) {
      return Error::from_errno("chown " + it->path, errno);
    }
    if (::fchmod(d.get(), it->mode) != 0) return Error::from_errno("chmod " + it->path, errno);
    if (::futimens(d.get(), it->times) != 0) {
      return Error::from_errno("set times " + it->path, errno);
    }
  }
  return {};
}

// The decompressed stream feeds the tar reader through this callback and is hashed on the way,
// which yields the diff id without a second pass.
struct Decompressed {
  archive* raw = nullptr;
  Sha256 hasher;
  std::vector<char> buffer = std::vector<char>(kReadBuffer);
  std::string error;
};

la_ssize_t read_decompressed(archive*, void* data, const void** block) {
  auto* source = static_cast<Decompressed*>(data);
  const la_ssize_t n = archive_read_data(source->raw, source->buffer.data(), source->buffer.size());
  if (n < 0) {
    source->error = archive_message(source->raw);
    return -1;
  }
  source->hasher.update(source->buffer.data(), static_cast<std::size_t>(n));
  *block = source->buffer.data();
  return n;
}

}  // namespace

base::Result<UnpackResult> unpack_layer(const std::filesystem::path& layer,
                                        const std::filesystem::path& target,
                                        const UnpackLimits& limits) {
  const std::string what = "unpack layer " + layer.string();
  UniqueFd root(::open(target.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return Error::from_errno(what + ": open " + target.string(), errno);

  ArchivePtr raw(archive_read_new());
  archive_read_support_filter_all(raw.get());
  archive_read_support_format_raw(raw.get());
  if (archive_read_open_filename(raw.get(), layer.c_str(), kReadBuffer) != ARCHIVE_OK) {
    return Error(what + ": " + archive_message(raw.get()));
  }
  archive_entry* raw_entry = nullptr;
  if (archive_read_next_header(raw.get(), &raw_entry) != ARCHIVE_OK) {
    return Error(what + ": " + archive_message(raw.get()));
  }
  Decompressed source;
  source.raw = raw.get();

  ArchivePtr tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  if (archive_read_open(tar.get(), &source, nullptr, read_decompressed, nullptr) != ARCHIVE_OK) {
    return Error(what + ": " + (source.error.empty() ? archive_message(tar.get()) : source.error));
  }
  Unpacker unpacker(root.get(), limits);
  while (true) {
    archive_entry* e = nullptr;
    const int r = archive_read_next_header(tar.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      return Error(what + ": " +
                   (source.error.empty() ? archive_message(tar.get()) : source.error));
    }
    if (auto s = unpacker.entry(tar.get(), e); !s) {
      if (!source.error.empty()) return Error(what + ": " + source.error);
      return s.error().context(what);
    }
  }
  // The tar reader stops at the end-of-archive blocks; the diff id covers the whole stream.
  while (true) {
    const la_ssize_t n = archive_read_data(raw.get(), source.buffer.data(), source.buffer.size());
    if (n < 0) return Error(what + ": " + archive_message(raw.get()));
    if (n == 0) break;
    source.hasher.update(source.buffer.data(), static_cast<std::size_t>(n));
  }
  if (auto s = unpacker.finish(); !s) return s.error().context(what);
  UnpackResult result = unpacker.result();
  result.diff_id = source.hasher.finish();
  return result;
}

}  // namespace runtime
