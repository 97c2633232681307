# Debian 12's xsimd 8.1 package exports `INTERFACE_LINK_LIBRARIES xtl` although Debian ships no
# xtl package and xsimd needs xtl only for its optional xtl::xcomplex support, which grove does
# not use. Give the name an empty target so that links do not turn into `-lxtl`.
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
