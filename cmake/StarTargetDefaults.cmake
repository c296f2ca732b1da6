# Warnings as errors and the optional sanitizers, applied to every target of ours (never to
# third-party code).
function(star_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(STARVP_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized gives false positives inside Catch2 under the sanitizers.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
