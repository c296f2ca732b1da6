# Warnings as errors and the optional sanitizers, applied to every target of ours (never to
# third-party code).
function(star_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(STARVP_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized gives false positives inside Catch2 under the sanitizers;
    # use-after-scope checks give false reports with Debian's SystemC when an exception is thrown
    # after sc_start.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined -Wno-maybe-uninitialized
                                             -fno-sanitize-address-use-after-scope)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    get_target_property(_type ${target} TYPE)
    if(_type STREQUAL "EXECUTABLE")
      target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/lsan_default_options.cpp)
    endif()
  endif()
endfunction()
