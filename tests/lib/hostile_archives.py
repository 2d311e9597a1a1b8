#!/usr/bin/python3
"""hostile_archives.py DIR: writes the hostile archives the archive tests
use into DIR, built here so that no bomb is ever committed:

  bomb.zip         one member of 10 GiB of zeros (zip64), about 10 MiB
  bomb-evtx.zip    the same behind an "ElfFile" header: a log, not text
  bomb.tar.gz      a tar.gz whose first member is 10 GiB of zeros
  many.zip         100,000 members
  nested50.zip     a zip in a zip, 50 deep, with a vssadmin output inside
  traversal.zip    names that climb out: ../, absolute, a drive, backslashes,
                   control bytes, invalid UTF-8, a NUL
  truncated.zip    a bundle cut at two thirds (given as argv[2], a zip)

The 10 GiB streams are never made: a deflate block of 16 MiB of zeros ends
with a full flush, which forgets the history, so the same bytes stand for
every further 16 MiB; CRC-32s are computed over the zeros once each size."""
import io
import os
import struct
import sys
import zlib
import zipfile

CHUNK = 16 << 20
GIB10 = 10 << 30

def gf2_times(mat, vec):
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s

def gf2_square(mat):
    return [gf2_times(mat, mat[n]) for n in range(32)]

def crc32_combine(crc1, crc2, len2):
    """zlib's crc32_combine: the CRC of A+B from those of A and B."""
    if len2 <= 0:
        return crc1
    odd = [0xedb88320] + [1 << n for n in range(31)]
    even = gf2_square(odd)
    odd = gf2_square(even)
    while True:
        even = gf2_square(odd)
        if len2 & 1:
            crc1 = gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = gf2_square(even)
        if len2 & 1:
            crc1 = gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2

def zeros_crc(n):
    """The CRC-32 of n zero bytes, by doubling."""
    crc, have, block, blen = 0, 0, zlib.crc32(b"\0"), 1
    while n:
        if n & 1:
            crc = crc32_combine(crc, block, blen) if have else block
            have += blen
        block = crc32_combine(block, block, blen)
        blen *= 2
        n >>= 1
    return crc

def zeros_deflate(total, header=b""):
    """A raw deflate stream of header + zeros up to total bytes, and its CRC."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zero = bytes(CHUNK)
    first = header + zero[len(header):]
    out = [c.compress(first) + c.flush(zlib.Z_FULL_FLUSH)]
    steady = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
    n = total // CHUNK
    out.append(steady * (n - 2))
    out.append(c.compress(zero) + c.flush())
    crc = crc32_combine(zlib.crc32(first), zeros_crc(total - CHUNK), total - CHUNK)
    return b"".join(out), crc & 0xffffffff

def zip64_one(path, name, data, crc, size):
    """A zip with one deflated member of size bytes, zip64 sizes."""
    name = name.encode()
    extra = struct.pack("<HHQQ", 1, 16, size, len(data))
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0x21, crc, 0xffffffff, 0xffffffff,
                        len(name), len(extra)) + name + extra
    cextra = struct.pack("<HHQQQ", 1, 24, size, len(data), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0x21, crc, 0xffffffff,
                          0xffffffff, len(name), len(cextra), 0, 0, 0, 0, 0) + name + cextra
    cd_at = len(local) + len(data)
    eocd64 = struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, 1, 1, len(central), cd_at)
    loc64 = struct.pack("<IIQI", 0x07064b50, 0, cd_at + len(central), 1)
    eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(central), 0xffffffff, 0)
    with open(path, "wb") as f:
        f.write(local); f.write(data); f.write(central); f.write(eocd64); f.write(loc64); f.write(eocd)

def tar_header(name, size):
    h = bytearray(512)
    h[0:len(name)] = name.encode()
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[156:157] = b"0"
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)

def bomb_tar_gz(path):
    """A tar.gz: a header, then 10 GiB of zeros (the stream is cut there:
    a reader never gets that far)."""
    head = tar_header("zeros.bin", GIB10)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zero = bytes(CHUNK)
    out = [b"\x1f\x8b\x08\0\0\0\0\0\0\x03", c.compress(head) + c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)]
    steady = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
    out.append(steady * (GIB10 // CHUNK - 1))
    out.append(c.flush())
    with open(path, "wb") as f:
        f.write(b"".join(out))

def nested(path, depth):
    data = (b"vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            b"(C) Copyright 2001-2013 Microsoft Corp.\r\n")
    name = "vssadmin.txt"
    for d in range(depth):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, data)
        data, name = b.getvalue(), "level%02d.zip" % d
    with open(path, "wb") as f:
        f.write(data)

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data, crc = zeros_deflate(GIB10)
    zip64_one(os.path.join(out, "bomb.zip"), "zeros.bin", data, crc, GIB10)
    data, crc = zeros_deflate(GIB10, b"ElfFile\0")
    zip64_one(os.path.join(out, "bomb-evtx.zip"), "Application.evtx", data, crc, GIB10)
    bomb_tar_gz(os.path.join(out, "bomb.tar.gz"))
    with zipfile.ZipFile(os.path.join(out, "many.zip"), "w", zipfile.ZIP_STORED) as z:
        for i in range(100000):
            z.writestr("f%06d.txt" % i, "x")
    nested(os.path.join(out, "nested50.zip"), 50)
    traversal = os.path.join(out, "traversal.zip")
    with zipfile.ZipFile(traversal, "w") as z:
        for n in ["../../etc/passwd", "/abs/path.txt", "C:/Windows/x.txt", "a/../../up.txt", "bad\x01ctl.txt",
                  "ok/fine.txt", "C:\\Windows\\back.txt", "inv%%.txt", "nul##.txt"]:
            z.writestr(n, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n")
    # Names no writer library makes: invalid UTF-8 (flagged as UTF-8) and
    # a NUL, patched into the local and central headers alike.
    data = open(traversal, "rb").read()
    data = data.replace(b"inv%%.txt", b"inv\xc3\x28.txt").replace(b"nul##.txt", b"nul\x00\x00.txt")
    with open(traversal, "wb") as f:
        f.write(data)
    if len(sys.argv) > 2:
        full = open(sys.argv[2], "rb").read()
        with open(os.path.join(out, "truncated.zip"), "wb") as f:
            f.write(full[: len(full) * 2 // 3])

if __name__ == "__main__":
    main()
