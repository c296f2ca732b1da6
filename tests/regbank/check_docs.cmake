# ctest: docs/registers.md must equal the page generated from sw/regmap/star_regs.yaml.
# Usage: cmake -DGENERATED=<build>/generated/registers.md -DCOMMITTED=<src>/docs/registers.md
#              -DBUILD_DIR=<build> -P check_docs.cmake
if(NOT EXISTS "${GENERATED}")
  message(FATAL_ERROR "${GENERATED} is missing; build first: cmake --build ${BUILD_DIR}")
endif()
if(NOT EXISTS "${COMMITTED}")
  message(FATAL_ERROR "docs/registers.md is missing; create it with: "
                      "cmake --build ${BUILD_DIR} --target star_regs_docs_update")
endif()
file(READ "${GENERATED}" generated)
file(READ "${COMMITTED}" committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/registers.md is out of date with sw/regmap/star_regs.yaml; regenerate "
                      "it with: cmake --build ${BUILD_DIR} --target star_regs_docs_update "
                      "(then commit docs/registers.md)")
endif()
message(STATUS "docs/registers.md matches sw/regmap/star_regs.yaml")
