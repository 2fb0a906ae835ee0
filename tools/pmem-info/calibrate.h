/* calibrate.h -- pmem-info --calibrate (tools/pmem-info/calibrate.c). */
#ifndef PMEM_INFO_CALIBRATE_H
#define PMEM_INFO_CALIBRATE_H 1

/* argv[0] is "--calibrate"; returns pmem-info's exit status. */
int pmem_info_calibrate(int argc, char **argv);

#endif
