# Warnings as errors and the optional sanitizers, applied to every target of ours (never to
# third-party code).
function(star_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(STARVP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
