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
 * @soname ("libva.so.2") when it starts @program. The program's DT_NEEDED tree is walked
 * breadth-first, as glibc's ld.so loads it; for the names each object needs: the DT_RPATH
 * of the object and of its loaders up to the program (only when the object has no
 * DT_RUNPATH), then LD_LIBRARY_PATH (this process's: the program will inherit it), then
 * the object's own DT_RUNPATH; $ORIGIN and ${ORIGIN} are expanded, $LIB and $PLATFORM are
 * not (entries using them are skipped). The system's directories and /etc/ld.so.cache are
 * not read: a name none of those lists has is the system's, and what it needs in turn is
 * not followed. elf.c has the details and what is not modelled.
 * *@dir receives a malloc'ed absolute directory (symlinks resolved) when @soname is found
 * through one of the lists, or NULL when the loader would take the system's copy or load
 * none at all.
 * Returns 0; -EINVAL (a NULL argument); -ENOENT, -EACCES... (@program cannot be opened:
 * open()'s errno); -ENOEXEC (@program is not a well-formed ELF executable or shared
 * object of either class and byte order: anything malformed is refused, nothing is
 * trusted); -ENOMEM; -EIO.
 */
int vad__elf_find_library(const char *program, const char *soname, char **dir);

/*
 * vad__elf_libavutil_major - the libavutil major version @program was built with: from the
 * first DT_NEEDED "libavutil.so.N" of the program or of the libraries it loads (the same
 * walk as above); else, for a static build, from the ident strings built into the file:
 * "Lavu57.28.100" (LIBAVUTIL_IDENT: ffprobe prints it, ffmpeg does not have it) or else
 * "Lavc59.37.100" (LIBAVCODEC_IDENT, which every ffmpeg writes as its encoder tag) minus 2:
 * libavcodec's major has been libavutil's + 2 since FFmpeg 3.0.
 * Returns N (57 = FFmpeg 5.x, 58 = 6.x, 59 = 7.x, 60 = 8.x, 61 = 9.x), -ENOENT (missing, or
 * no FFmpeg in it), -ENOEXEC, -EINVAL, -ENOMEM, or open()'s errno.
 */
int vad__elf_libavutil_major(const char *program);

#endif
