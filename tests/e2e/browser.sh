#!/usr/bin/env bash
# Browser test of the HTML report: headless Chromium opens the report of
# every sample bundle and of a real whole-machine log folder (110 logs of
# the corpus, skipped when absent), the test confirms that no script from
# bundle content ran, and measures the report in a 1280x800 window: the
# verdict starts within the first 800 px, the page is no wider than the
# window (long paths and GUIDs wrap), and each outcome has the same colour
# in every report. A PNG screenshot of each is saved under
# build/screenshots/. Without Chromium every check is skipped, and says so.
#
# The measure: a page of the test's own frames the report, unchanged, in a
# 1280x800 iframe and writes what it measured into its own DOM, which
# --dump-dom prints (nothing is injected into the report).
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

# measure HTML: prints "top width scripts color..." of the report in 1280x800.
measure() {
  local page=$tmp/measure-$(basename "$1").html
  cat > "$page" <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="file://$1" style="width:1280px;height:800px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument, w = this.contentWindow, out = [];
  var v = d.querySelector('.verdict .badge');
  out.push(v ? Math.round(v.getBoundingClientRect().top + w.scrollY) : -1);
  out.push(d.documentElement.scrollWidth, d.scripts.length);
  d.querySelectorAll('.verdict').forEach(function (s) {
    var b = s.querySelector('.badge');
    if (b) out.push(s.className.replace('verdict ', '') + '=' + w.getComputedStyle(b).color.replace(/ /g, '') +
                    '/' + w.getComputedStyle(s).borderLeftColor.replace(/ /g, ''));
  });
  document.getElementById('out').textContent = 'MEASURED ' + out.join(' ');
});
</script></body></html>
EOF
  browse --dump-dom "$page" --allow-file-access-from-files --virtual-time-budget=5000 --window-size=1400,900 |
    sed -n 's/.*MEASURED \([^<]*\)<.*/\1/p' | head -n 1
}

# check_layout NAME HTML: the verdict within 800 px, no wider than 1280 px,
# no script; the colours of each outcome collected in $tmp/colours.
check_layout() {
  local name=$1 m top width scripts
  m=$(measure "$2")
  read -r top width scripts _ <<<"$m"
  if [ -z "$m" ]; then tap_fail "$name: Chromium measured the report in 1280x800"; return; fi
  tap_check "$name: the verdict starts within the first 800 px (at $top px)" [ "$top" -ge 0 ] && [ "$top" -le 800 ]
  tap_check "$name: the page is no wider than the 1280 px window ($width px)" [ "$width" -le 1280 ]
  tap_check "$name: the report holds no script ($scripts)" [ "$scripts" -eq 0 ]
  for kv in $m; do case $kv in *=*) echo "$name $kv" >> "$tmp/colours" ;; esac; done
}

: > "$tmp/colours"
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
  check_layout "$b" "$html"
  browse --screenshot="$out_dir/$b.png" "$html" --window-size=1280,800 --hide-scrollbars >/dev/null
  tap_check "$b: screenshot saved ($out_dir/$b.png)" test -s "$out_dir/$b.png"
done

# A real whole-machine log folder: 110 logs of one Windows installation.
logs=$corpus_dir/tugix456-randaodcxjj
if [ -d "$logs" ]; then
  html=$out_dir/multi-log.html
  # run from the corpus so that the report names the folder, not this machine's path
  (cd "$corpus_dir" && "$KBSCAN" --rules "$repo_root/rules" --format html -o "$html" "$(basename "$logs")" 2>/dev/null)
  rc=$?
  if [ $rc -eq 2 ] || [ $rc -ge 4 ]; then
    tap_fail "110-log folder: kbscan exit status $rc"
  else
    check_layout "110-log folder" "$html"
    browse --screenshot="$out_dir/multi-log.png" "$html" --window-size=1280,800 --hide-scrollbars >/dev/null
    tap_check "110-log folder: screenshot saved ($out_dir/multi-log.png)" test -s "$out_dir/multi-log.png"
  fi
else
  tap_skip "110-log folder: verdict within 800 px, no wider than the window" "corpus absent"
fi

# The batch index page over every sample bundle: no wider than the window,
# no script; its screenshot beside the reports'.
if "$KBSCAN" batch --help >/dev/null 2>&1; then
  "$KBSCAN" batch --rules rules -q -o "$tmp/batch" samples/bundles 2>/dev/null
  rc=$?
  if [ $rc -eq 2 ] || [ $rc -ge 4 ] || [ ! -s "$tmp/batch/index.html" ]; then
    tap_fail "batch index: kbscan batch exit status $rc, index.html written"
  else
    cp "$tmp/batch/index.html" "$out_dir/batch-index.html"
    read -r _ width scripts _ <<<"$(measure "$out_dir/batch-index.html")"
    tap_check "batch index: no wider than the 1280 px window (${width:-?} px)" [ "${width:-9999}" -le 1280 ]
    tap_check "batch index: no script (${scripts:-?})" [ "${scripts:-1}" -eq 0 ]
    browse --screenshot="$out_dir/batch-index.png" "$out_dir/batch-index.html" --window-size=1280,800 --hide-scrollbars >/dev/null
    tap_check "batch index: screenshot saved ($out_dir/batch-index.png)" test -s "$out_dir/batch-index.png"
  fi
else
  tap_skip "batch index in a browser" "this kbscan has no batch command"
fi

# A failure is always the same red: each outcome one colour over every report.
for kind in $(sed 's/^.* \([a-z_]*\)=.*/\1/' "$tmp/colours" | sort -u); do
  n=$(grep " $kind=" "$tmp/colours" | sed 's/.*=//' | sort -u | wc -l)
  tap_check "outcome '$kind' has one colour in every report ($(grep -c " $kind=" "$tmp/colours") cards)" [ "$n" -eq 1 ]
done
# ... and a match, a cannot tell and a not matched differ from each other.
colour_of() { grep -m1 " $1=" "$tmp/colours" | sed 's/.*=//'; }
distinct=$(for k in matched cannot_tell not_matched; do colour_of $k; done | sort -u | grep -c .)
tap_check "matched, cannot tell and not matched have three colours ($distinct)" [ "$distinct" -eq 3 ]
tap_done
