/* Build-time check that the driver's headers are plain C (C99): a C firmware can include them. */
#include "star_driver.h"

int star_driver_c_check(const star_hal* hal) {
  star_dev dev;
  star_job_desc_t desc = star_default_descriptor();
  if (star_probe(&dev, hal) != STAR_OK) return -1;
  return star_submit(&dev, &desc, 1);
}
