# Every external dependency is found here, once, from Debian's packages (tools/setup.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc)
find_package(yaml-cpp REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Catch2 2 REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)

# SystemC as one imported target; its headers are third-party, so they are SYSTEM includes and
# our -Werror does not apply to their warnings.
if(NOT TARGET star::systemc)
  add_library(star_systemc INTERFACE)
  target_link_libraries(star_systemc INTERFACE PkgConfig::SYSTEMC Threads::Threads)
  get_target_property(_sysc_inc PkgConfig::SYSTEMC INTERFACE_INCLUDE_DIRECTORIES)
  if(_sysc_inc)
    target_include_directories(star_systemc SYSTEM INTERFACE ${_sysc_inc})
  endif()
  add_library(star::systemc ALIAS star_systemc)
endif()
