// cgroups/events.hpp: one watcher for the events of many cgroups: Emptied and OOMKilled.
//
// Contract: an EventWatcher owns one epoll descriptor (fd()) that becomes readable when events
// may be pending; drain() never blocks and returns them. The agent's Asio loop waits on fd()
// (e.g. a posix::stream_descriptor's async_wait(wait_read)) and calls drain() when it fires;
// nothing here owns a thread.
//   - Emptied: cgroup.events "populated" reads 0. Reported once per watch(). watch() is meant
//     for a cgroup whose first process has been placed (clone3 CLONE_INTO_CGROUP, or
//     cgroup.procs): if it is already empty then (a process that exited at once), Emptied is
//     still delivered, at the next drain().
//   - OOMKilled: the "oom_kill" count of memory.events grew; `count` is the number of new OOM
//     kills. Counted from zero, so a kill before watch() is reported too (cgroups are fresh).
//     For one cgroup, OOMKilled is always reported before Emptied: the kernel counts the kill
//     before the victim exits, and memory.events is re-read whenever Emptied is found.
// Without the memory controller there is no memory.events and so no OOMKilled (a hybrid host).
// The kernel signals both files through inotify (IN_MODIFY) on kernfs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "cgroups/cgroup.hpp"

namespace cgroups {

struct CgroupEvent {
  enum class Kind { emptied, oom_killed };
  std::uint64_t key = 0;  // the caller's key given to watch()
  Kind kind = Kind::emptied;
  std::uint64_t count = 0;  // OOMKilled: new oom_kill events; Emptied: 1
};

class EventWatcher {
 public:
  static base::Result<EventWatcher> create();

  // Readable (poll/epoll POLLIN) when drain() may have something.
  int fd() const { return epoll_.get(); }

  // Starts watching `cgroup` under `key` (unique per watcher; watching a key twice is an
  // error). The watch lasts until unwatch(key) or until Emptied has been reported.
  base::Status watch(const Cgroup& cgroup, std::uint64_t key);
  void unwatch(std::uint64_t key);
  std::size_t watched() const { return watches_.size(); }

  // Pending events, in the order found (OOMKilled before Emptied for one cgroup).
  base::Result<std::vector<CgroupEvent>> drain();

 private:
  struct Watch {
    std::filesystem::path dir;
    int events_wd = -1;
    int memory_wd = -1;  // -1 without memory.events
    std::uint64_t oom_kills = 0;
  };
  EventWatcher(base::UniqueFd epoll, base::UniqueFd inotify, base::UniqueFd pending)
      : epoll_(std::move(epoll)), inotify_(std::move(inotify)), pending_(std::move(pending)) {}
  // Re-reads the files of `key`, appends events, and ends the watch once Emptied.
  base::Status check(std::uint64_t key, std::vector<CgroupEvent>& out);
  void remove_watch_descriptors(const Watch& watch);

  base::UniqueFd epoll_;
  base::UniqueFd inotify_;
  base::UniqueFd pending_;  // eventfd: cgroups to check without an inotify event (new watches)
  std::map<std::uint64_t, Watch> watches_;
  std::map<int, std::uint64_t> by_wd_;
  std::vector<std::uint64_t> to_check_;
};

}  // namespace cgroups
