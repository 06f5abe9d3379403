# `cpack -G DEB` builds an installable Debian package; dependencies are the runtime
# libraries of the -dev packages we build against (Debian 12 names).
set(CPACK_PACKAGE_NAME iotonb)
set(CPACK_PACKAGE_VENDOR "iotonb")
set(CPACK_PACKAGE_CONTACT "iotonb developers <dev@iotonb.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3 (>= 3.0), libsqlite3-0 (>= 3.40), libyaml-cpp0.7, libstdc++6 (>= 12), libc6 (>= 2.36)")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
include(CPack)
