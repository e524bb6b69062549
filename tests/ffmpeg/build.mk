# tests/ffmpeg: the FFmpeg patch tests. `make check-ffmpeg` fetches FFmpeg 5.1, 7.1, 8.1 and
# 9.0 from Debian's source packages (cached outside the tree in $VAD_FFMPEG_CACHE, default
# ~/.cache/vadiscover/ffmpeg), builds each minimally with and without libavutil-patches/
# in $(B)/ffmpeg/ (unchanged trees are not rebuilt), and runs both builds on the fake-GPU
# harness. `make check-ffmpeg FFMPEG_RELEASES=7.1` runs one release.

FFMPEG_RELEASES ?=

check-ffmpeg: all
	$(Q)B=$(B) tests/ffmpeg/run-checks $(FFMPEG_RELEASES)
