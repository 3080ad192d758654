# cmake/ThirdParty.cmake: every third-party library batchlet links, found once for all folders,
# and how it is linked.
#
# BATCHLET_STATIC_DEPS=ON (the release preset) links the libraries' static archives from their
# Debian -dev packages into the binary; only glibc, libstdc++/libgcc and spdlog/fmt (Debian ships
# no archives of those two) stay shared. Why: the binary is exec'd once per container (the shim),
# and the dynamic loader's relocation of a dozen libraries was most of a shim's start-up
# (bench/agent_bench); a static binary also keeps no unused library pages resident.
# The folders link the usual target names either way (OpenSSL::SSL, SQLite::SQLite3,
# PkgConfig::LIBARCHIVE ...); a missing archive fails the configure step naming it.
option(BATCHLET_STATIC_DEPS "Link third-party libraries from their static archives" OFF)

if(BATCHLET_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(Protobuf_USE_STATIC_LIBS ON)
endif()

find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Protobuf 3.21 REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(LIBSECCOMP REQUIRED IMPORTED_TARGET GLOBAL libseccomp)
pkg_check_modules(LIBCAP REQUIRED IMPORTED_TARGET GLOBAL libcap)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET GLOBAL libarchive)

if(BATCHLET_STATIC_DEPS)
  # The archive of each library named, with what pkg-config --static says it needs after it.
  function(batchlet_static_archives out)
    set(paths "")
    foreach(name IN LISTS ARGN)
      if(name MATCHES "^(m|dl|pthread|rt|c)$")
        list(APPEND paths ${name})
        continue()
      endif()
      find_library(BATCHLET_STATIC_${name} NAMES lib${name}.a NO_CACHE)
      if(NOT BATCHLET_STATIC_${name})
        message(FATAL_ERROR "BATCHLET_STATIC_DEPS: lib${name}.a not found "
                            "(scripts/install-deps.sh installs the -dev packages that ship it)")
      endif()
      list(APPEND paths ${BATCHLET_STATIC_${name}})
    endforeach()
    set(${out} ${paths} PARENT_SCOPE)
  endfunction()

  foreach(module LIBSECCOMP LIBCAP LIBARCHIVE)
    batchlet_static_archives(archives ${${module}_STATIC_LIBRARIES})
    set_property(TARGET PkgConfig::${module} PROPERTY INTERFACE_LINK_LIBRARIES ${archives})
  endforeach()
  batchlet_static_archives(sqlite_archives sqlite3)
  set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION ${sqlite_archives})
  set_property(TARGET SQLite::SQLite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES
                                                      Threads::Threads m dl)
  batchlet_static_archives(yaml_archives yaml-cpp)
  add_library(batchlet_yaml_cpp INTERFACE)
  target_link_libraries(batchlet_yaml_cpp INTERFACE ${yaml_archives})
  find_package(yaml-cpp REQUIRED)
  get_target_property(yaml_includes yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(batchlet_yaml_cpp INTERFACE ${yaml_includes})
  add_library(batchlet::yaml-cpp ALIAS batchlet_yaml_cpp)
else()
  find_package(yaml-cpp REQUIRED)
  add_library(batchlet_yaml_cpp INTERFACE)
  target_link_libraries(batchlet_yaml_cpp INTERFACE yaml-cpp)
  add_library(batchlet::yaml-cpp ALIAS batchlet_yaml_cpp)
endif()
