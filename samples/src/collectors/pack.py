#!/usr/bin/python3
"""pack.py: the collectors' containers for the sample bundles, byte for byte
the same on every run (make_bundles.sh; tests/e2e/samples.sh compares):

  pack.py zip OUT.zip DIR     DIR's files, sorted, deflated, dated
                              2018-10-02 13:05:12 (as the collector ran)
  pack.py cab OUT.cab DIR     the same as a cabinet (one folder, stored:
                              what psSDP's makecab fallback writes on Server
                              Core, less its compression)
  pack.py pssdp IN OUT        psSDP's DC_VSSAdmin.ps1 output: each dashed
                              header block written by Out-File -Append
                              (UTF-16LE, a BOM at the file's start only),
                              each command's output appended by cmd.exe /c
                              ... >> (OEM code page 437); CRLF line ends"""
import os
import struct
import sys
import zipfile

WHEN = (2018, 10, 2, 13, 5, 12)


def files_of(top):
    out = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            full = os.path.join(root, f)
            out.append((os.path.relpath(full, top).replace(os.sep, "/"), full))
    return sorted(out)


def pack_zip(out, top):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, full in files_of(top):
            info = zipfile.ZipInfo(name, WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0  # written on Windows
            with open(full, "rb") as f:
                z.writestr(info, f.read(), compresslevel=6)


def pack_cab(out, top):
    entries = [(name.replace("/", "\\").encode("ascii"), open(full, "rb").read()) for name, full in files_of(top)]
    blob = b"".join(data for _, data in entries)
    blocks = [blob[i:i + 32768] for i in range(0, len(blob), 32768)] or [b""]
    dos_date = ((WHEN[0] - 1980) << 9) | (WHEN[1] << 5) | WHEN[2]
    dos_time = (WHEN[3] << 11) | (WHEN[4] << 5) | (WHEN[5] // 2)
    cffiles = b""
    offset = 0
    for name, data in entries:
        cffiles += struct.pack("<IIHHHH", len(data), offset, 0, dos_date, dos_time, 0x20) + name + b"\0"
        offset += len(data)
    header_len = 36
    folder_len = 8
    files_at = header_len + folder_len
    data_at = files_at + len(cffiles)
    cfdata = b"".join(struct.pack("<IHH", 0, len(b), len(b)) + b for b in blocks)  # checksum 0: none
    total = data_at + len(cfdata)
    header = struct.pack("<4sIIIIIBBHHHHH", b"MSCF", 0, total, 0, files_at, 0, 3, 1, 1, len(entries), 0, 1234, 0)
    folder = struct.pack("<IHH", data_at, len(blocks), 0)  # no compression
    with open(out, "wb") as f:
        f.write(header + folder + cffiles + cfdata)


def pack_pssdp(src, out):
    lines = open(src, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    parts = []
    first = True
    for i, line in enumerate(lines):
        header = line.startswith("-----") or line.startswith("[")
        text = (line + "\r\n")
        if header:
            parts.append((b"\xff\xfe" if first else b"") + text.encode("utf-16-le"))
        else:
            parts.append(text.encode("cp437"))
        first = False
    with open(out, "wb") as f:
        f.write(b"".join(parts))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "zip":
        pack_zip(sys.argv[2], sys.argv[3])
    elif mode == "cab":
        pack_cab(sys.argv[2], sys.argv[3])
    elif mode == "pssdp":
        pack_pssdp(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: pack.py zip|cab|pssdp ...")
