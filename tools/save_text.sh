# save_text.sh (sourced): saves a command output typed as UTF-8 with LF line
# ends the way a Windows server would have saved it, for the sample bundles
# (samples/src/make_bundles.sh) and the rules' fixtures (tools/build-fixtures.sh).

# save_text ENCODING SOURCE DEST: DEST is SOURCE with CRLF line ends, in
# ENCODING (utf-8, utf-8-bom, utf-16le-bom, or any iconv name such as CP932).
save_text() {
    local enc=$1 from=$2 to=$3
    mkdir -p "$(dirname "$to")"
    local crlf
    crlf=$(sed 's/$/\r/' "$from")$'\r'
    crlf=${crlf%$'\r'}   # keep the source's final newline, as CRLF
    case $enc in
        utf-8) printf '%s\n' "$crlf" > "$to" ;;
        utf-8-bom) { printf '\357\273\277'; printf '%s\n' "$crlf"; } > "$to" ;;
        utf-16le-bom) { printf '\377\376'; printf '%s\n' "$crlf" | iconv -f UTF-8 -t UTF-16LE; } > "$to" ;;
        *) printf '%s\n' "$crlf" | iconv -f UTF-8 -t "$enc" > "$to" ;;
    esac
}
