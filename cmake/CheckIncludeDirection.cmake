# Fails (FATAL_ERROR) when a source file includes a header against the dependency arrows of
# ../shared/design.md, or when api/ includes a Linux/POSIX header.
#   cmake -DSOURCE_DIR=<repo root> -P cmake/CheckIncludeDirection.cmake
# Our headers are included by their path from the repository root ("base/error.hpp"), so the
# first path component names the folder a header belongs to.
cmake_minimum_required(VERSION 3.25)  # script mode: IN_LIST needs policy CMP0057

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repo root> -P CheckIncludeDirection.cmake")
endif()

set(folders base api runtime cgroups systemd agent cli)
# Which folders each folder may include besides itself.
set(allowed_base "")
set(allowed_api base)
set(allowed_cgroups base)
set(allowed_systemd base)
set(allowed_runtime cgroups base)
set(allowed_agent api runtime cgroups systemd base)
set(allowed_cli agent api runtime cgroups systemd base)

# api/ speaks Kubernetes objects only: no kernel or POSIX interfaces.
set(linux_header_regex
  "^(sys|linux|asm|netinet|arpa|net|systemd|seccomp)/|^(unistd|fcntl|sched|poll|pthread|dirent|dlfcn|spawn|termios|netdb|pwd|grp|mntent|signal|libcgroup|seccomp|ucontext|semaphore|mqueue)\\.h$")

set(violations "")
foreach(folder IN LISTS folders)
  file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.hpp" "${SOURCE_DIR}/${folder}/*.cpp"
                          "${SOURCE_DIR}/${folder}/*.h")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${file}")
    foreach(line IN LISTS lines)
      if(line MATCHES "#[ \t]*include[ \t]*\"([a-z]+)/")
        set(target "${CMAKE_MATCH_1}")
        if(target IN_LIST folders AND NOT target STREQUAL folder
           AND NOT target IN_LIST allowed_${folder})
          list(APPEND violations "${rel}: ${folder}/ may not include ${target}/: ${line}")
        endif()
      endif()
      if(folder STREQUAL "api" AND line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
        if(CMAKE_MATCH_1 MATCHES "${linux_header_regex}")
          list(APPEND violations "${rel}: api/ may not include a Linux header: ${line}")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "include direction violated (see ../shared/design.md):\n  ${text}")
endif()
