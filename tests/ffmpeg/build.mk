# tests/ffmpeg: rules are added by its issue
