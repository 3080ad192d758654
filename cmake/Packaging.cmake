# cmake/Packaging.cmake: `cmake --install` (default prefix /usr/local) and the .deb
# (`cmake --build --preset release --target package`: prefix /usr): the binary, the systemd
# units (ExecStart= pointing at the installed binary), /etc/batchlet/config.yaml (a conffile,
# every setting commented) and the README.
include(GNUInstallDirs)

install(TARGETS batchlet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The unit's ExecStart= names the installed binary: made at install time, when the prefix is
# known (cpack installs with its own, /usr).
install(CODE "
  set(BATCHLET_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/systemd/units/batchlet.service.in\"
                 \"${PROJECT_BINARY_DIR}/systemd/batchlet.service\" @ONLY)")
# systemd looks in <prefix>/lib/systemd/system for both /usr and /usr/local.
install(FILES ${PROJECT_BINARY_DIR}/systemd/batchlet.service
              ${PROJECT_SOURCE_DIR}/systemd/units/batchlet.socket
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/config.yaml DESTINATION /etc/batchlet)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_NAME batchlet)
set(CPACK_PACKAGE_VENDOR batchlet)
set(CPACK_PACKAGE_CONTACT "batchlet maintainers <batchlet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run Kubernetes batch/v1 Jobs on one machine, without a cluster")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # batchlet_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the binary's shared libraries
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd, kubectl")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
