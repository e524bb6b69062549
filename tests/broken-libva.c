/*
 * A shared object installed as libva.so.2 that is not libva: it loads, but has none of
 * libva's functions, as a half-upgraded or foreign file in a lib directory would. The
 * library must refuse it (-ELIBACC) with a reason that names the file and what to install.
 *
 * SPDX-License-Identifier: MIT
 */
__attribute__((visibility("default"))) int vad_test_not_libva(void);

int vad_test_not_libva(void)
{
	return 0;
}
