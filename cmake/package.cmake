# The Debian package (`make deb`: cpack -G DEB in the build tree that `make test` compiled, so
# packaging compiles nothing again). Files: packaging/deb/, deploy/tannha.service.
# Checked by scripts/check-deb.sh (contents, control fields, lintian, systemd-analyze).

set(TANNHA_DEB_DIR ${CMAKE_SOURCE_DIR}/packaging/deb)
set(TANNHA_DEB_STAGE ${CMAKE_BINARY_DIR}/package)
set(TANNHA_DEB_MAINTAINER "Tận Nhà maintainers <maintainers@users.noreply.b-seed-306a9d7a.example>"
    CACHE STRING "Maintainer field of the Debian package")

# Generated at configure time; a change to a source file re-runs the configure step.
set(deb_inputs ${CMAKE_SOURCE_DIR}/config.example.toml ${TANNHA_DEB_DIR}/changelog ${TANNHA_DEB_DIR}/tannha.1)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${deb_inputs})
file(MAKE_DIRECTORY ${TANNHA_DEB_STAGE})

# The example config, with the database in the state directory (the only writable path of the
# unit) and no webhook secret: the well-known example one must not reach a server, and without
# any the bot refuses to start, naming TANNHA_WEBHOOK_SECRET (set in /etc/tannha/env).
file(READ ${CMAKE_SOURCE_DIR}/config.example.toml deb_config)
set(deb_config_in "${deb_config}")
string(REPLACE "\npath = \"tannha.db\"\n" "\npath = \"/var/lib/tannha/tannha.db\"\n" deb_config "${deb_config}")
string(REPLACE "\nwebhook_secret = \"doi-mat-khau-bi-mat-nay\"\n"
       "\n# Set TANNHA_WEBHOOK_SECRET in /etc/tannha/env instead (it wins over this key).\n# webhook_secret = \"\"\n"
       deb_config "${deb_config}")
string(REGEX MATCHALL "\npath = \"/var/lib/tannha/tannha.db\"\n|\n# webhook_secret = \"\"\n" deb_config_hits "${deb_config}")
list(LENGTH deb_config_hits deb_config_hit_count)
if(NOT deb_config_hit_count EQUAL 2)
  message(FATAL_ERROR "cmake/package.cmake: config.example.toml no longer has the lines "
                      "'path = \"tannha.db\"' and 'webhook_secret = \"doi-mat-khau-bi-mat-nay\"' "
                      "that the packaged config replaces; update the replacements.")
endif()
file(WRITE ${TANNHA_DEB_STAGE}/config.toml "${deb_config}")

# Debian wants the changelog and the man page compressed, without a timestamp (gzip -n).
foreach(pair "changelog;changelog.gz" "tannha.1;tannha.1.gz")
  list(GET pair 0 src)
  list(GET pair 1 dst)
  execute_process(COMMAND gzip -9 -n -c ${TANNHA_DEB_DIR}/${src}
                  OUTPUT_FILE ${TANNHA_DEB_STAGE}/${dst} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${src} failed")
  endif()
endforeach()

# Debian's hardening for the installed binary that costs no recompilation: read-only relocations
# and immediate binding (lintian: hardening-no-relro, hardening-no-bindnow).
target_link_options(tannha PRIVATE -Wl,-z,relro -Wl,-z,now)

install(TARGETS tannha RUNTIME DESTINATION bin)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/tannha.service DESTINATION /lib/systemd/system)
# Modes 0640 / 0600 from the start; postinst gives config.toml to the tannha group
# (dpkg-statoverride: the group exists only once postinst has run).
install(FILES ${TANNHA_DEB_STAGE}/config.toml DESTINATION /etc/tannha
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${TANNHA_DEB_DIR}/env DESTINATION /etc/tannha PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${TANNHA_DEB_DIR}/copyright ${TANNHA_DEB_STAGE}/changelog.gz ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION share/doc/tannha)
install(FILES ${TANNHA_DEB_STAGE}/tannha.1.gz DESTINATION share/man/man1)
# A unit file to copy into /etc/tannha/units.d/ ([units] dir = "units.d").
install(FILES ${CMAKE_SOURCE_DIR}/examples/units.d/binhgiang.toml DESTINATION share/doc/tannha/examples/units.d)
install(FILES ${TANNHA_DEB_DIR}/lintian-overrides DESTINATION share/lintian/overrides RENAME tannha)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tannha)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "${TANNHA_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TANNHA_DEB_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tannha_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "chat bot for at-home administrative services of a commune\n"
    "Tận Nhà lives in the Zalo or Telegram group that coordinates a commune's or\n"
    "ward's service receiving administrative dossiers at the homes of people who\n"
    "cannot travel. Village heads register requests with a short Vietnamese form,\n"
    "staff schedule, record the visit and the result, and the bot posts briefs,\n"
    "overdue alerts and reports. Data is kept in one SQLite database.")
string(JOIN "" CPACK_DEBIAN_PACKAGE_DESCRIPTION ${CPACK_DEBIAN_PACKAGE_DESCRIPTION})  # no ';' inside
# Depends: dpkg-shlibdeps on the binary (libssl3, libsqlite3-0, …), plus adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${TANNHA_DEB_DIR}/conffiles ${TANNHA_DEB_DIR}/postinst ${TANNHA_DEB_DIR}/prerm ${TANNHA_DEB_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Only the installed files above, not the whole build tree.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
