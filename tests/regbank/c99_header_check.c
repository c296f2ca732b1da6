/* Compiled as strict C99 (see CMakeLists.txt): the generated driver header must stay plain C, and
 * its descriptor layout checks (the negative-array fallback of STAR_STATIC_ASSERT) must hold. */
#include "star_regs.h"

unsigned star_c99_header_check(const star_job_desc_t* d) {
  return (unsigned)sizeof *d + STAR_REG_RING_TAIL + (unsigned)offsetof(star_job_desc_t, reserved) +
         (STAR_REG_CTRL_RESET & STAR_CTRL_ENABLE_MASK) + STAR_ERROR_CODE_BAD_SHAPE;
}
