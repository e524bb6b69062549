/*
 * Reading an ELF program without running it: what it needs (DT_NEEDED), where the
 * dynamic loader looks for it (DT_RUNPATH / DT_RPATH, $ORIGIN), and the FFmpeg version
 * built into it. Part of libvadiscover (hidden in the shared library); the ffmpeg wrapper
 * and the tool use it through the static library.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VAD_ELF_H
#define VAD_ELF_H

/*
 * vad__elf_find_library - the directory of the file the dynamic loader would load for
 * @soname ("libva.so.2") when it starts @program, following the program's DT_NEEDED
 * tree (each object's own DT_RUNPATH, or DT_RPATH of it and its loaders, $ORIGIN
 * expanded; then LD_LIBRARY_PATH; then the system's directories).
 * *@dir receives a malloc'ed absolute directory, or NULL when the loader would take the
 * system's copy or none at all.
 * Returns 0, -ENOENT (@program missing), -ENOEXEC (not an ELF file for this machine),
 * -ENOMEM.
 */
int vad__elf_find_library(const char *program, const char *soname, char **dir);

/*
 * vad__elf_libavutil_major - the libavutil major version @program was built with: from
 * a DT_NEEDED "libavutil.so.N" (of the program or of the libraries it loads), else, for a
 * static build, from the "Lavu" ident string in the file. Returns N (57 = FFmpeg 5.x,
 * 58 = 6.x, 59 = 7.x, 60 = 8.x...), -ENOENT (missing, or no FFmpeg in it), -ENOEXEC,
 * -ENOMEM.
 */
int vad__elf_libavutil_major(const char *program);

#endif
