/* Timing helpers shared by the benchmarks (bench-tool.c, bench-wrapper.c). */
#ifndef VAD_BENCH_COMMON_H
#define VAD_BENCH_COMMON_H

/* CLOCK_MONOTONIC in milliseconds. */
double now_ms(void);

/* Sorts @v (@n values) in place and returns their median. */
double median(double *v, int n);

#endif
