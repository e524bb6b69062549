/* Helpers shared by the benchmarks (bench-tool.c, bench-wrapper.c, bench-floor.c...). */
#ifndef VAD_BENCH_COMMON_H
#define VAD_BENCH_COMMON_H

#include <sys/types.h>

/* CLOCK_MONOTONIC in milliseconds. */
double now_ms(void);

/* Sorts @v (@n values) in place and returns their median. */
double median(double *v, int n);

/* Starts @argv (argv[0] is the program's path) with stdio on /dev/null: its pid, or -1. */
pid_t spawn_quiet(char *const argv[]);

#endif
