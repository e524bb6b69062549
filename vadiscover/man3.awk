# man3.awk: section-3 man pages from the kernel-doc blocks of vadiscover.h.
#
#   awk -v mode=man -v outdir=DIR -v version=V -f vadiscover/man3.awk vadiscover/vadiscover.h
#       writes DIR/NAME.3 for every documented function and DIR/libvadiscover.3 (the DOC:
#       blocks, the types and enums, the functions by group)
#   awk -v mode=list -f vadiscover/man3.awk vadiscover/vadiscover.h
#       prints "KIND NAME" for every documented declaration (function, struct, enum,
#       typedef, macro); tests/test-symbols.sh compares the functions with the exports
#
# The blocks are those of the kernel's Documentation/doc-guide/kernel-doc.rst, the subset
# the header uses:
#
#   /**
#    * name() - summary            (or "struct name - ", "enum name - ", "typedef name - ",
#    * @param: text                 "NAME - " for a macro, "DOC: Title" for a section)
#    *         continued
#    *
#    * Description paragraphs; "- " starts a bullet, lines indented further are
#    * preformatted.
#    *
#    * Return: text, and a list of values and errors:
#    * * %0 - success
#    * * %-EINVAL - @out is NULL
#    */
#   declaration;
#
# In text: @param is italic, name() and %CONST bold. A block must be followed at once by
# the declaration it names: a block that names another one, or none, is an error (exit 1),
# so that no block documents nothing. POSIX awk (mawk, gawk, busybox).

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function indent_of(s) {
	match(s, /^ */)
	return RLENGTH
}

# Text to roff: escapes, then @param, %CONST, name(), `code`.
function fmt(s,    out, c, prev, next1, i, n, pre, m) {
	gsub(/\\/, "\\e", s)
	# A hyphen that starts a word (-EINVAL, --no-cache, -1) is a minus sign.
	out = ""
	prev = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		next1 = substr(s, i + 1, 1)
		if (c == "-" && (prev == "" || prev ~ /[ (\[%"'=,\/-]/) && next1 ~ /[A-Za-z0-9-]/)
			out = out "\\-"
		else
			out = out c
		prev = c
	}
	s = out
	out = ""
	while (match(s, /@[A-Za-z_][A-Za-z0-9_]*/)) {
		out = out substr(s, 1, RSTART - 1) "\\fI" substr(s, RSTART + 1, RLENGTH - 1) "\\fP"
		s = substr(s, RSTART + RLENGTH)
	}
	s = out s
	out = ""
	while (match(s, /%(\\-)?[A-Z0-9][A-Z0-9_]*/)) {
		out = out substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 1) "\\fP"
		s = substr(s, RSTART + RLENGTH)
	}
	s = out s
	out = ""
	while (match(s, /[A-Za-z_][A-Za-z0-9_]*\(\)/)) {
		pre = substr(s, 1, RSTART - 1)
		m = substr(s, RSTART, RLENGTH - 2)
		if (pre ~ /\\f[IB]$/) {
			out = out substr(s, 1, RSTART + RLENGTH - 1)
		} else {
			out = out pre "\\fB" m "\\fP()"
		}
		s = substr(s, RSTART + RLENGTH)
	}
	s = out s
	out = ""
	while (match(s, /`[^`]+`/)) {
		out = out substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fP"
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

# One line of roff output: put() a request, puttext() text, which must not start with a
# control character.
function put(s) {
	print s > outfile
}

function puttext(s) {
	if (s ~ /^[.']/)
		s = "\\&" s
	print s > outfile
}

# Ends a preformatted block (in a bullet, or indented on its own); returns 0 for inpre.
function end_pre(inlist) {
	put(".fi")
	if (!inlist)
		put(".RE")
	return 0
}

# Renders text lines T[1..n] (as in the block, indentation kept): paragraphs, "- "
# bullets, and preformatted lines (indented 2 or more outside a bullet, 4 or more in one).
function render(T, n, atstart,    i, line, ind, txt, inlist, innum, inpre, blank, first, base, k) {
	inlist = 0
	innum = 0
	inpre = 0
	blank = 0
	first = atstart
	for (i = 1; i <= n; i++) {
		line = T[i]
		if (line ~ /^[ \t]*$/) {
			if (inpre)
				inpre = end_pre(inlist)
			blank = 1
			continue
		}
		ind = indent_of(line)
		txt = trim(line)
		if (ind == 0 && txt ~ /^- /) {
			if (inpre)
				inpre = end_pre(inlist)
			put(".IP \\(bu 2")
			puttext(fmt(substr(txt, 3)))
			inlist = 1
			blank = 0
			first = 0
			continue
		}
		if (!inlist && !inpre && ind == 2 && txt ~ /^[0-9]+\. /) {
			k = index(txt, " ")
			put(".IP " substr(txt, 1, k - 1) " 4")
			puttext(fmt(substr(txt, k + 1)))
			innum = 1
			blank = 0
			first = 0
			continue
		}
		if (innum && !blank && ind > 2) {
			puttext(fmt(txt))
			continue
		}
		innum = 0
		if ((inlist && ind >= 4) || (!inlist && ind >= 2)) {
			if (!inpre) {
				if (inlist) {
					put(".IP \"\" 2")
				} else {
					if (!first)
						put(".PP")
					put(".RS 2")
				}
				put(".nf")
				inpre = 1
				base = ind
			}
			k = ind < base ? ind : base
			puttext(fmt(substr(line, k + 1)))
			blank = 0
			first = 0
			continue
		}
		if (inpre) {
			inpre = end_pre(inlist)
			blank = 1
		}
		if (blank || first) {
			if (inlist && ind >= 2) {
				put(".IP \"\" 2")
			} else {
				inlist = 0
				if (!first)
					put(".PP")
			}
		}
		puttext(fmt(txt))
		blank = 0
		first = 0
	}
	if (inpre)
		end_pre(inlist)
}

# --- reading the header ------------------------------------------------------------------

BEGIN {
	state = "code"
	nitems = 0
	ndocs = 0
	group = ""
	after_rule = 0
}

FNR == 2 && /^ \* libvadiscover: / {
	overview = $0
	sub(/^ \* libvadiscover: /, "", overview)
	sub(/\.$/, "", overview)
}

state == "block" {
	if ($0 ~ /^[ \t]*\*\/[ \t]*$/) {
		end_block()
		next
	}
	line = $0
	if (line !~ /^ \*( |$)/)
		fail("a doc block line must start with \" * \"")
	sub(/^ \* ?/, "", line)
	blk[++nblk] = line
	next
}

state == "decl" {
	if (decl == "" && $0 ~ /^[ \t]*$/)
		fail(what " is not followed by its declaration")
	if (decl == "" && $0 ~ /^[ \t]*\/\*/)
		fail(what " documents nothing: a comment follows it, not a declaration")
	decl = decl (decl == "" ? "" : "\n") $0
	if ((kind == "enum" && $0 ~ /^};/) || (kind != "enum" && $0 ~ /;[ \t]*$/) ||
	    kind == "macro") {
		end_decl()
	}
	next
}

/^\/\*\*[ \t]*$/ {
	state = "block"
	nblk = 0
	next
}

/^\/\* -----/ {
	after_rule = 1
	next
}

after_rule && /^\/\* / {
	group = $0
	sub(/^\/\* /, "", group)
	sub(/ *\*\/$/, "", group)
	sub(/ \(.*/, "", group)
	sub(/\. .*/, "", group)
	after_rule = 0
	next
}

{ after_rule = 0 }

function end_block(    head, i, k, p, line, sect) {
	# the first line names what the block documents
	head = blk[1]
	if (head ~ /^DOC: /) {
		ndocs++
		doc_title[ndocs] = substr(head, 6)
		k = 0
		for (i = 2; i <= nblk; i++) {
			if (k == 0 && blk[i] == "")
				continue
			doc_body[ndocs, ++k] = blk[i]
		}
		doc_n[ndocs] = k
		state = "code"
		return
	}
	nitems++
	if (head ~ /^struct [a-z_0-9]+ - /) {
		kind = "struct"
	} else if (head ~ /^enum [a-z_0-9]+ - /) {
		kind = "enum"
	} else if (head ~ /^typedef [a-z_0-9]+ - /) {
		kind = "typedef"
	} else if (head ~ /^[a-z_0-9]+\(\) - /) {
		kind = "function"
	} else if (head ~ /^[A-Z_0-9]+ - /) {
		kind = "macro"
	} else {
		fail("a doc block must start with \"name() - summary\" (or struct/enum/typedef NAME - , DOC: ): " head)
	}
	name = head
	sub(/ - .*/, "", name)
	sub(/^(struct|enum|typedef) /, "", name)
	sub(/\(\)$/, "", name)
	summary = head
	sub(/^[^ ]* - |^[a-z]+ [^ ]* - /, "", summary)
	what = "the block of " name
	item_kind[nitems] = kind
	item_name[nitems] = name
	item_summary[nitems] = summary
	item_group[nitems] = group
	# @params (with their continuation lines), then the description, then Return:
	np = 0
	i = 2
	while (i <= nblk && blk[i] ~ /^@[A-Za-z_][A-Za-z0-9_]*:/) {
		np++
		p = blk[i]
		pname = p
		sub(/:.*/, "", pname)
		sub(/^@/, "", pname)
		sub(/^@[A-Za-z_0-9]*:[ \t]*/, "", p)
		i++
		while (i <= nblk && blk[i] ~ /^  / && blk[i] !~ /^@/) {
			p = p " " trim(blk[i])
			i++
		}
		param_name[nitems, np] = pname
		param_text[nitems, np] = p
	}
	item_np[nitems] = np
	nd = 0
	nr = 0
	sect = "desc"
	for (; i <= nblk; i++) {
		line = blk[i]
		if (line ~ /^Return:/) {
			sect = "ret"
			line = trim(substr(line, 8))
			if (line == "")
				continue
		}
		if (sect == "desc") {
			if (nd == 0 && line == "")
				continue
			desc[nitems, ++nd] = line
		} else {
			ret[nitems, ++nr] = line
		}
	}
	while (nd > 0 && desc[nitems, nd] == "")
		nd--
	item_nd[nitems] = nd
	item_nr[nitems] = nr
	if (kind == "function" && nr == 0)
		fail(name "(): no Return: section")
	decl = ""
	state = "decl"
}

function end_decl(    flat, ok) {
	flat = decl
	gsub(/[ \t\n]+/, " ", flat)
	if (kind == "function")
		ok = index(flat, " " name "(") || index(flat, "*" name "(")
	else if (kind == "struct")
		ok = flat == "struct " name ";"
	else if (kind == "enum")
		ok = index(flat, "enum " name " {") == 1
	else if (kind == "typedef")
		ok = index(flat, "typedef ") == 1 && index(flat, "(*" name ")")
	else
		ok = index(flat, "#define " name " ") == 1
	if (!ok)
		fail(what " is followed by another declaration: " flat)
	item_decl[nitems] = decl
	state = "code"
}

# --- writing -------------------------------------------------------------------------

function th(title) {
	put(".TH " title " 3 \"\" \"libvadiscover " version "\" \"libvadiscover manual\"")
	put(".nh")
	put(".ad l")
}

# The declaration as a synopsis (no-fill): the parameters wrapped under the parenthesis.
function synopsis(d, name,    flat, open, head, args, nargs, a, i, line, col, pad, piece, w) {
	flat = d
	gsub(/[ \t\n]+/, " ", flat)
	open = index(flat, name "(")
	head = substr(flat, 1, open - 1)
	args = substr(flat, open + length(name) + 1)
	sub(/\);$/, "", args)
	nargs = split(args, a, /, /)
	col = length(head) + length(name) + 1
	pad = sprintf("%" col "s", "")
	line = fmt(head) "\\fB" name "\\fP("
	w = col
	for (i = 1; i <= nargs; i++) {
		piece = a[i] (i < nargs ? "," : ");")
		if (i > 1 && w + 1 + length(piece) > 78) {
			puttext(line)
			line = pad
			w = col
		} else if (i > 1) {
			line = line " "
			w++
		}
		line = line fmt(piece)
		w += length(piece)
	}
	puttext(line)
}

function page_start(title, name, summary) {
	th(title)
	put(".SH NAME")
	put(name " \\- " fmt(summary))
}

function library_line() {
	put("Link with \\fB\\-lvadiscover\\fP (\\fBpkg\\-config \\-\\-libs libvadiscover\\fP).")
}

function see_also(j,    i, k, s, t, seen, list, n, m) {
	# the functions a page names, then the overview
	s = ""
	for (k = 1; k <= item_nd[j]; k++)
		s = s " " desc[j, k]
	for (k = 1; k <= item_nr[j]; k++)
		s = s " " ret[j, k]
	for (k = 1; k <= item_np[j]; k++)
		s = s " " param_text[j, k]
	n = 0
	while (match(s, /vad_[a-z0-9_]+\(\)/)) {
		m = substr(s, RSTART, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
		if (m == item_name[j] || !(m in documented) || (m in seen))
			continue
		seen[m] = 1
		list[++n] = m
	}
	put(".SH SEE ALSO")
	t = ""
	for (i = 1; i <= n; i++)
		t = t "\\fB" list[i] "\\fP(3), "
	put(t "\\fBlibvadiscover\\fP(3)")
}

# A page's parameters (or an enum's members) as tagged paragraphs, in font @font (I, B).
function params(j, font,    k) {
	for (k = 1; k <= item_np[j]; k++) {
		put(".TP")
		put("\\f" font param_name[j, k] "\\fP")
		puttext(fmt(param_text[j, k]))
	}
}

# A block's description paragraphs.
function description(j, atstart,    T, k) {
	for (k = 1; k <= item_nd[j]; k++)
		T[k] = desc[j, k]
	render(T, item_nd[j], atstart)
}

function function_page(j,    name, T, k, n, i, line, item, key, text, nerr, errk, errt, nt, pos, atstart) {
	name = item_name[j]
	outfile = outdir "/" name ".3"
	printf "" > outfile
	page_start(toupper(name), name, item_summary[j])
	put(".SH SYNOPSIS")
	put(".nf")
	put(".B #include <vadiscover/vadiscover.h>")
	put(".PP")
	synopsis(item_decl[j], name)
	put(".fi")
	put(".PP")
	library_line()
	if (item_np[j] > 0) {
		put(".SH ARGUMENTS")
		params(j, "I")
	}
	if (item_nd[j] > 0) {
		put(".SH DESCRIPTION")
		description(j, 1)
	}
	# Return: its paragraphs and "* %VALUE - text" items in order; the items that are
	# errors (%-E...) go to ERRORS.
	put(".SH RETURN VALUE")
	nt = 0
	nerr = 0
	atstart = 1
	for (k = 1; k <= item_nr[j] + 1; k++) {
		line = k <= item_nr[j] ? ret[j, k] : "* END - "
		if (line !~ /^\* /) {
			T[++nt] = line
			continue
		}
		if (nt > 0) {
			render(T, nt, atstart)
			atstart = 0
			nt = 0
			delete T
		}
		if (k > item_nr[j])
			break
		item = substr(line, 3)
		while (k + 1 <= item_nr[j] && ret[j, k + 1] ~ /^  +[^ ]/) {
			k++
			item = item " " trim(ret[j, k])
		}
		pos = index(item, " - ")
		if (pos == 0)
			fail(name "(): a Return: item without \" - \": " item)
		key = substr(item, 1, pos - 1)
		text = substr(item, pos + 3)
		if (key ~ /^%-E/) {
			errk[++nerr] = key
			errt[nerr] = text
		} else {
			put(".TP")
			puttext(fmt(key))
			puttext(fmt(text))
			atstart = 0
		}
	}
	if (nerr > 0) {
		put(".SH ERRORS")
		for (i = 1; i <= nerr; i++) {
			put(".TP")
			puttext(fmt(errk[i]))
			puttext(fmt(errt[i]))
		}
	}
	see_also(j)
	close(outfile)
}

function overview_page(    i, j, k, T, n, g, d, nd, lines, title) {
	outfile = outdir "/libvadiscover.3"
	printf "" > outfile
	page_start("LIBVADISCOVER", "libvadiscover", overview)
	put(".SH SYNOPSIS")
	put(".nf")
	put(".B #include <vadiscover/vadiscover.h>")
	put(".fi")
	put(".PP")
	library_line()
	for (i = 1; i <= ndocs; i++) {
		put(".SH " toupper(doc_title[i]))
		delete T
		for (k = 1; k <= doc_n[i]; k++)
			T[k] = doc_body[i, k]
		render(T, doc_n[i], 1)
	}
	put(".SH TYPES")
	for (j = 1; j <= nitems; j++) {
		if (item_kind[j] == "function")
			continue
		title = (item_kind[j] == "macro" ? "" : item_kind[j] " ") item_name[j]
		put(".SS " title)
		puttext(fmt(item_summary[j]) ".")
		put(".PP")
		put(".RS 4")
		put(".nf")
		d = item_decl[j]
		gsub(/\t/, "        ", d)
		nd = split(d, lines, "\n")
		for (k = 1; k <= nd; k++)
			puttext(fmt(lines[k]))
		put(".fi")
		put(".RE")
		params(j, "B")
		if (item_nd[j] > 0) {
			put(".PP")
			description(j, 0)
		}
	}
	put(".SH FUNCTIONS")
	g = "\001"
	for (j = 1; j <= nitems; j++) {
		if (item_kind[j] != "function")
			continue
		if (item_group[j] != g) {
			g = item_group[j]
			if (g != "")
				put(".SS " fmt(g))
		}
		put(".TP")
		put("\\fB" item_name[j] "\\fP(3)")
		puttext(fmt(item_summary[j]))
	}
	put(".SH SEE ALSO")
	put("\\fBvadiscover\\fP(1), \\fBvadiscover\\-ffmpeg\\fP(1)")
	close(outfile)
}

END {
	if (failed)
		exit 1
	if (state != "code")
		fail("the file ends inside a doc block or before a declaration")
	if (mode == "list") {
		for (j = 1; j <= nitems; j++)
			print item_kind[j], item_name[j]
		exit 0
	}
	if (mode != "man" || outdir == "")
		fail("usage: awk -v mode=man -v outdir=DIR -v version=V -f man3.awk HEADER, or -v mode=list")
	if (overview == "")
		fail("no \" * libvadiscover: summary\" on the header's second line")
	for (j = 1; j <= nitems; j++)
		if (item_kind[j] == "function")
			documented[item_name[j]] = 1
	for (j = 1; j <= nitems; j++)
		if (item_kind[j] == "function")
			function_page(j)
	overview_page()
}
