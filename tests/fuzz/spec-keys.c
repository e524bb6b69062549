/*
 * Prints every name of the selection spec's keys as a libFuzzer dictionary entry
 * ("vendor="), one per line, from the library's own table (vad__spec_key_name()): make fuzz
 * makes the spec target's dictionary of them and of tests/fuzz/spec-words.dict.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "vadiscover/vad-private.h"

int main(void)
{
	const char *key;

	for (size_t i = 0; (key = vad__spec_key_name(i)) != NULL; i++)
		printf("\"%s=\"\n", key);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
