# build_bundle.sh: sourced by build-fixtures.sh and build-bundles.sh:
# build_fixture SOURCE_DIR DEST_DIR builds one bundle from its readable
# sources (see build-fixtures.sh for what a source folder holds). Needs
# save_text (save_text.sh) and $evtxgen.

# how FILE [SAVED_AS]: the rest of FILE's line in saved-as, or nothing.
how() {
    local file=$1 list=$2
    [ -f "$list" ] || return 0
    awk -v f="$file" '!/^[[:space:]]*(#|$)/ && $1 == f { $1 = ""; sub(/^ /, ""); print; exit }' "$list"
}

build_fixture() {  # SOURCE_DIR DEST_DIR
    local src=$1 dest=$2 rel how_saved
    rm -rf "$dest"
    mkdir -p "$dest"
    while IFS= read -r -d '' file; do
        rel=${file#"$src"/}
        [ "$rel" = saved-as ] && continue
        case $rel in
            *.json)
                how_saved=$(how "${rel%.json}.evtx" "$src/saved-as")
                mkdir -p "$(dirname "$dest/$rel")"
                # shellcheck disable=SC2086 # evtxgen's options, word by word
                "$evtxgen" $how_saved -o "$dest/${rel%.json}.evtx" "$file"
                ;;
            *)
                how_saved=$(how "$rel" "$src/saved-as")
                case ${how_saved:-utf-8} in
                    as-is) mkdir -p "$(dirname "$dest/$rel")"; cp "$file" "$dest/$rel" ;;
                    *) save_text "${how_saved:-utf-8}" "$file" "$dest/$rel" ;;
                esac
                ;;
        esac
    done < <(find "$src" -type f -print0 | sort -z)
}
