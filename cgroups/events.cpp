// cgroups/events.cpp: epoll + inotify + eventfd watcher of cgroup.events and memory.events.
// Contract: see events.hpp.
#include "cgroups/events.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/file.hpp"
#include "cgroups/keyed_file.hpp"

namespace cgroups {

base::Result<EventWatcher> EventWatcher::create() {
  base::UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return base::Error::from_errno("epoll_create1", errno);
  base::UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify.valid()) return base::Error::from_errno("inotify_init1", errno);
  base::UniqueFd pending(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!pending.valid()) return base::Error::from_errno("eventfd", errno);
  for (int fd : {inotify.get(), pending.get()}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
      return base::Error::from_errno("epoll_ctl", errno);
    }
  }
  return EventWatcher(std::move(epoll), std::move(inotify), std::move(pending));
}

base::Status EventWatcher::watch(const Cgroup& cgroup, std::uint64_t key) {
  if (watches_.contains(key)) {
    return base::Error("watch " + cgroup.path().string() + ": key " + std::to_string(key) +
                       " is in use");
  }
  Watch watch;
  watch.dir = cgroup.path();
  const std::string events = (watch.dir / "cgroup.events").string();
  watch.events_wd = ::inotify_add_watch(inotify_.get(), events.c_str(), IN_MODIFY);
  if (watch.events_wd < 0) return base::Error::from_errno("watch " + events, errno);
  if (by_wd_.contains(watch.events_wd)) {
    return base::Error("watch " + cgroup.path().string() + ": already watched");
  }
  if (cgroup.has_file("memory.events")) {
    const std::string memory = (watch.dir / "memory.events").string();
    watch.memory_wd = ::inotify_add_watch(inotify_.get(), memory.c_str(), IN_MODIFY);
    if (watch.memory_wd < 0) {
      int err = errno;
      ::inotify_rm_watch(inotify_.get(), watch.events_wd);
      return base::Error::from_errno("watch " + memory, err);
    }
    by_wd_[watch.memory_wd] = key;
  }
  by_wd_[watch.events_wd] = key;
  watches_.emplace(key, std::move(watch));
  // The first check happens in drain(), so an already-empty cgroup reports Emptied there.
  to_check_.push_back(key);
  const std::uint64_t one = 1;
  if (::write(pending_.get(), &one, sizeof one) != sizeof one) {
    return base::Error::from_errno("eventfd write", errno);
  }
  return {};
}

void EventWatcher::remove_watch_descriptors(const Watch& watch) {
  for (int wd : {watch.events_wd, watch.memory_wd}) {
    if (wd < 0) continue;
    by_wd_.erase(wd);
    ::inotify_rm_watch(inotify_.get(), wd);  // EINVAL if the cgroup is gone: nothing to do
  }
}

void EventWatcher::unwatch(std::uint64_t key) {
  auto found = watches_.find(key);
  if (found == watches_.end()) return;
  remove_watch_descriptors(found->second);
  watches_.erase(found);
}

base::Status EventWatcher::check(std::uint64_t key, std::vector<CgroupEvent>& out) {
  auto found = watches_.find(key);
  if (found == watches_.end()) return {};
  Watch& watch = found->second;
  auto check_memory = [&]() -> base::Status {
    if (watch.memory_wd < 0) return {};
    base::Result<std::string> text = base::read_file(watch.dir / "memory.events");
    if (!text.ok()) return text.error().sys_errno() == ENOENT ? base::Status() : text.error();
    const std::uint64_t kills = keyed_value(*text, "oom_kill").value_or(0);
    if (kills > watch.oom_kills) {
      out.push_back({key, CgroupEvent::Kind::oom_killed, kills - watch.oom_kills});
      watch.oom_kills = kills;
    }
    return {};
  };
  base::Status memory = check_memory();
  if (!memory.ok()) return memory;

  base::Result<std::string> text = base::read_file(watch.dir / "cgroup.events");
  bool emptied = false;
  if (!text.ok()) {
    // Removed under us: nothing can run in a cgroup that no longer exists.
    if (text.error().sys_errno() != ENOENT) return text.error();
    emptied = true;
  } else {
    std::optional<std::uint64_t> populated = keyed_value(*text, "populated");
    if (!populated) {
      return base::Error("parse " + (watch.dir / "cgroup.events").string() + ": no populated");
    }
    emptied = *populated == 0;
  }
  if (!emptied) return {};
  memory = check_memory();  // the kill is counted before the victim leaves; report it first
  if (!memory.ok()) return memory;
  out.push_back({key, CgroupEvent::Kind::emptied, 1});
  remove_watch_descriptors(watch);
  watches_.erase(found);
  return {};
}

base::Result<std::vector<CgroupEvent>> EventWatcher::drain() {
  std::vector<std::uint64_t> keys;
  std::uint64_t counter = 0;
  if (::read(pending_.get(), &counter, sizeof counter) < 0 && errno != EAGAIN) {
    return base::Error::from_errno("eventfd read", errno);
  }
  keys.swap(to_check_);

  alignas(inotify_event) char buffer[8192];
  while (true) {
    ssize_t n = ::read(inotify_.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) return base::Error::from_errno("read inotify", errno);
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) {
        // Events were lost: every watched cgroup must be looked at.
        for (const auto& [key, watch] : watches_) keys.push_back(key);
        continue;
      }
      auto owner = by_wd_.find(event->wd);
      if (owner == by_wd_.end()) continue;  // a watch removed since
      keys.push_back(owner->second);
      if (event->mask & IN_IGNORED) by_wd_.erase(owner);  // the cgroup was removed
    }
  }

  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<CgroupEvent> events;
  for (std::uint64_t key : keys) {
    base::Status checked = check(key, events);
    if (!checked.ok()) return checked.error();
  }
  return events;
}

}  // namespace cgroups
