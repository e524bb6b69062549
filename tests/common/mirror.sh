# Sourced by the scripts that fetch from Debian's archive (tests/ffmpeg/fetch-source,
# tests/common/debian-root): mirror prints the archive URI of the system's own apt
# configuration (deb822 .sources first, then the one-line form), never a hard-coded host.
# Callers take the first line.
mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
	done | head -n 1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" || $1 == "deb-src" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) print $i; break } }' "$f"
	done | head -n 1
}
