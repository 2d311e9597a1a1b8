#!/usr/bin/env bash
# Browser test of the HTML report: headless Chromium opens the report of
# every sample bundle, the test confirms that no script from bundle content
# ran and that the verdict is visible, and a PNG screenshot of each is saved
# under build/screenshots/. Without Chromium every check is skipped, and
# says so.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
chromium=$(command -v chromium || command -v chromium-browser || true)
bundles=(samples/bundles/*/)
if [ -z "$chromium" ]; then
  for dir in "${bundles[@]}"; do
    tap_skip "$(basename "$dir"): HTML report in a browser" "Chromium is not installed (make deps installs Debian's chromium)"
  done
  tap_done; exit 0
fi
out_dir=${KBSCAN_BUILD:-$repo_root/build}/screenshots
mkdir -p "$out_dir"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

browse() {  # browse MODE FILE [ARGS]: runs headless Chromium, prints its output
  local mode=$1 file=$2; shift 2
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$tmp/profile" "$mode" "$@" "file://$file" 2>/dev/null
}

# The detector must see a script that does run: a page of ours that runs one.
printf '<!DOCTYPE html><html><head><title>clean</title></head><body><script>document.title="PWNED";document.body.setAttribute("data-pwned","1")</script></body></html>' > "$tmp/control.html"
browse --dump-dom "$tmp/control.html" > "$tmp/control.dom"
tap_check "control: the detector sees a script that ran" grep -q 'data-pwned="1"' "$tmp/control.dom"

for dir in "${bundles[@]}"; do
  b=$(basename "$dir")
  html=$out_dir/$b.html
  "$KBSCAN" --rules rules --format html -o "$html" "$dir" 2>/dev/null
  rc=$?
  if [ $rc -eq 2 ] || [ $rc -ge 4 ]; then tap_fail "$b: kbscan exit status $rc"; continue; fi
  browse --dump-dom "$html" > "$tmp/$b.dom"
  tap_check "$b: Chromium loaded the report" grep -q '<main>' "$tmp/$b.dom"
  tap_check "$b: no script ran (no data-pwned, title untouched)" \
    bash -c "! grep -q 'data-pwned=\"1\"' '$tmp/$b.dom' && ! grep -q '<title>PWNED' '$tmp/$b.dom'"
  tap_check "$b: the DOM holds no script element and no injected element" \
    bash -c "! grep -qi '<script' '$tmp/$b.dom' && ! grep -qi '<img' '$tmp/$b.dom' && ! grep -qi '<iframe' '$tmp/$b.dom'"
  tap_check "$b: the verdict is visible" grep -Eq 'class="badge">(MATCHED|not matched|CANNOT TELL)<' "$tmp/$b.dom"
  browse --screenshot="$out_dir/$b.png" "$html" --window-size=1100,2400 --hide-scrollbars >/dev/null
  tap_check "$b: screenshot saved ($out_dir/$b.png)" test -s "$out_dir/$b.png"
done
tap_done
