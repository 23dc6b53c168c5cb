#!/usr/bin/env bash
# Build one small real sample of each of the 22 input formats the IMM video label documentation lists
# (AVI MPEG MPG DAT DIVX XVID RM RMVB MOV QT ASF WMV VOB 3GP MP4 FLV AVS MKV TS OGM NSV SWF): OUTDIR/sample.<ext>,
# each a 2 s clip of moving video (lavfi testsrc2, 320x240 at 25 fps unless the format fixes another size)
# with a tone where the format carries audio, in the codecs that format is known for, each under 200 KB.
#
#   bash tools/make_label_formats.sh OUTDIR
#
# Tools (Debian bookworm): ffmpeg 5.1, mjpegtools (mpeg2enc, mplex), twolame, x264, mkvtoolnix (mkvmerge),
# vorbis-tools (oggenc), ogmtools (ogmmerge), python3. Nothing installed here writes NSV or AVS video, so
# tools/make_nsv.py packs ffmpeg-encoded MPEG-4 and MP3 frames into NSV and tools/make_avs.py encodes
# AVS1-P2 (Chinese AVS, Jizhun profile) itself. The sizes and codecs of each file are listed in the comments.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: make_label_formats.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
for tool in ffmpeg mpeg2enc mplex twolame x264 mkvmerge oggenc ogmmerge python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

FF="ffmpeg -hide_banner -loglevel error -y -threads 1"
EXACT="-threads 1 -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact"
VID="testsrc2=s=320x240:r=25:d=2"
tone() { echo "aevalsrc=0.4*sin(523*2*PI*t)|0.4*sin(784*2*PI*t):s=${1}:d=2"; }  # stereo
mono() { echo "sine=f=440:r=${1}:d=2"; }
X264="-c:v libx264 -preset veryfast -x264-params threads=1:log-level=error -pix_fmt yuv420p"

# AVI: MPEG-4 Part 2 with FFmpeg's own fourcc (FMP4), 16-bit PCM mono 16 kHz
$FF -f lavfi -i "$VID" -f lavfi -i "$(mono 16000)" \
  -c:v mpeg4 -qscale:v 14 -bf 0 -c:a pcm_s16le $EXACT sample.avi

# MPEG: MPEG-1 system stream, MPEG-1 video + MPEG-1 Layer II audio
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v mpeg1video -qscale:v 12 -g 25 -bf 2 -c:a mp2 -b:a 128k $EXACT -f mpeg sample.mpeg

# MPG: MPEG-2 program stream from mjpegtools: mpeg2enc (generic MPEG-2), twolame MP2, mplex (generic MPEG-2 PS)
$FF -f lavfi -i "$VID" -pix_fmt yuv420p -f yuv4mpegpipe - 2>/dev/null |
  mpeg2enc --verbose 0 -f 3 -b 400 -o mpg.m2v
$FF -f lavfi -i "$(tone 48000)" -c:a pcm_s16le $EXACT mpg.wav
twolame --quiet -b 128 mpg.wav mpg.mp2
mplex --verbose 0 -f 3 -o sample.mpg mpg.m2v mpg.mp2

# DAT: a Video CD track as a copied VCD file is laid out: RIFF/CDXA holding raw 2352-byte Mode 2 Form 2
# sectors (sync, header, subheader, 2324 bytes of MPEG-1 program stream, EDC). The stream is VCD-shaped
# (MPEG-1 video 352x240 29.97 fps, MP2 44.1 kHz, 2324-byte packs, pack mux rate 1411200) but at 300/128
# kbit/s rather than the White Book's 1150/224, and not padded to the CD's 75 sectors a second (a real
# 2 s VCD track is ~350 KB, over this set's 200 KB budget).
$FF -f lavfi -i "testsrc2=s=352x240:r=30000/1001:d=2" -f lavfi -i "$(tone 44100)" \
  -c:v mpeg1video -b:v 300k -maxrate 300k -bufsize 327680 -c:a mp2 -b:a 128k $EXACT \
  -f mpeg -packetsize 2324 -muxrate 1411200 vcd.mpg
python3 - vcd.mpg sample.dat <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert len(data) % 2324 == 0, len(data)
table = []
for i in range(256):
    edc = i
    for _ in range(8):
        edc = (edc >> 1) ^ (0xD8018001 if edc & 1 else 0)
    table.append(edc)
def edc(buf):
    crc = 0
    for b in buf:
        crc = (crc >> 8) ^ table[(crc ^ b) & 0xFF]
    return crc
bcd = lambda v: (v // 10) << 4 | v % 10
sectors = bytearray()
count = len(data) // 2324
for n in range(count):
    pack = data[n * 2324:(n + 1) * 2324]
    if b"\x00\x00\x01\xe0" in pack:
        submode, coding = 0x62, 0x0F          # form 2, real time, video
    elif b"\x00\x00\x01\xc0" in pack:
        submode, coding = 0x64, 0x7F          # form 2, real time, audio
    else:
        submode, coding = 0x60, 0x00          # form 2, real time, padding
    if n == count - 1:
        submode |= 0x81                       # end of record, end of file
    lba = n + 150                             # the track starts 2 s in (00:02:00)
    header = bytes([bcd(lba // 4500), bcd(lba // 75 % 60), bcd(lba % 75), 2])
    sub = bytes([1, 1, submode, coding]) * 2
    sectors += b"\x00" + b"\xff" * 10 + b"\x00" + header + sub + pack
    sectors += struct.pack("<I", edc(sub + pack))
fmt = bytes([0, 0, 0, 0, 0x15, 0x55]) + b"XA" + bytes([1]) + bytes(7)
body = b"CDXA" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(sectors)) + sectors
open(sys.argv[2], "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PY

# DIVX: MPEG-4 Part 2 (FFmpeg's encoder) in AVI with the DivX fourcc, MP3
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v mpeg4 -vtag DIVX -qscale:v 8 -bf 0 -c:a libmp3lame -b:a 64k $EXACT -f avi sample.divx
# XVID: MPEG-4 Part 2 from libxvidcore in AVI with the Xvid fourcc, MP3
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v libxvid -vtag XVID -qscale:v 8 -bf 0 -c:a libmp3lame -b:a 64k $EXACT -f avi sample.xvid

# RM: RealVideo 1.0 + RealAudio 1.0 (14.4, "lpcJ", 8 kHz mono)
$FF -f lavfi -i "$VID" -f lavfi -i "$(mono 8000)" \
  -c:v rv10 -b:v 150k -c:a real_144 $EXACT -f rm sample.rm
# RMVB: the same RealMedia container. Real RMVB files hold variable-bit-rate RealVideo 8-10 (RV30/RV40),
# which nothing here can encode; this holds RealVideo 2.0 at a constant quantiser (so a variable bit rate)
# and AC-3 ("dnet"), the best FFmpeg's rm muxer can write.
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v rv20 -qscale:v 14 -c:a ac3 -b:a 96k $EXACT -f rm sample.rmvb

# MOV: H.264 + AAC in QuickTime
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  $X264 -crf 32 -c:a aac -b:a 64k $EXACT -f mov sample.mov
# QT: classic QuickTime codecs: Sorenson Video 1 + IMA4 ADPCM, brand "qt  "
$FF -f lavfi -i "$VID" -f lavfi -i "$(mono 22050)" \
  -c:v svq1 -qscale:v 10 -c:a adpcm_ima_qt $EXACT -f mov sample.qt

# ASF and WMV: Windows Media Video 8 + Windows Media Audio 2
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v wmv2 -b:v 200k -c:a wmav2 -b:a 64k $EXACT -f asf sample.asf
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  -c:v wmv2 -b:v 200k -c:a wmav2 -b:a 64k $EXACT -f asf sample.wmv

# VOB: DVD-Video MPEG-2 program stream with navigation packs, MPEG-2 video 352x240 (a DVD-Video NTSC size)
# 29.97 fps at a fixed quantiser + AC-3 48 kHz
$FF -f lavfi -i "testsrc2=s=352x240:r=30000/1001:d=2" -f lavfi -i "$(tone 48000)" -target ntsc-dvd \
  -s 352x240 -qscale:v 16 -g 18 -bf 2 -c:a ac3 -b:a 128k $EXACT sample.vob

# 3GP: H.263 QCIF + AAC-LC mono (no AMR encoder here)
$FF -f lavfi -i "testsrc2=s=176x144:r=15:d=2" -f lavfi -i "$(mono 16000)" \
  -c:v h263 -b:v 64k -c:a aac -b:a 24k -ac 1 $EXACT sample.3gp

# MP4: H.264 + AAC
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 44100)" \
  $X264 -crf 32 -c:a aac -b:a 64k $EXACT sample.mp4

# FLV: Sorenson Spark (FLV1) + MP3 22.05 kHz
$FF -f lavfi -i "$VID" -f lavfi -i "$(mono 22050)" \
  -c:v flv1 -b:v 200k -c:a libmp3lame -b:a 32k $EXACT sample.flv

# AVS: Chinese AVS1-P2 (Jizhun) raw video elementary stream, written by tools/make_avs.py (no audio)
$FF -f lavfi -i "$VID" -f rawvideo -pix_fmt yuv420p avs.yuv
python3 "$ROOT/tools/make_avs.py" avs.yuv 320 240 25 sample.avs --qp 48

# MKV: mkvmerge from an x264 H.264 stream and an oggenc Vorbis stream
$FF -f lavfi -i "$VID" -pix_fmt yuv420p -f yuv4mpegpipe mkv.y4m
x264 --quiet --no-progress --preset veryfast --crf 32 --threads 1 -o mkv.264 mkv.y4m 2>x264.log ||
  { cat x264.log >&2; exit 1; }
$FF -f lavfi -i "$(tone 44100)" -c:a pcm_s16le $EXACT mkv.wav
oggenc --quiet --quality 0 --serial 1 -o mkv.ogg mkv.wav
mkvmerge --quiet --deterministic 1 --no-date --disable-track-statistics-tags -o sample.mkv \
  --default-duration 0:25fps mkv.264 mkv.ogg

# TS: MPEG-2 transport stream, H.264 + AAC (ADTS)
$FF -f lavfi -i "$VID" -f lavfi -i "$(tone 48000)" \
  $X264 -crf 32 -c:a aac -b:a 64k $EXACT -f mpegts sample.ts

# OGM: ogmmerge's Ogg Media, an MPEG-4 ("XVID") video stream and an MP3 stream behind OGM stream headers
$FF -f lavfi -i "$VID" -c:v libxvid -vtag XVID -qscale:v 8 -bf 0 $EXACT ogm.avi
$FF -f lavfi -i "$(tone 44100)" -c:a libmp3lame -b:a 48k -write_xing 0 -id3v2_version 0 $EXACT -f mp3 ogm.mp3
ogmmerge -q -o sample.ogm ogm.avi ogm.mp3

# NSV: Nullsoft Streaming Video, Xvid MPEG-4 ("XVID") + MP3 ("MP3 "), packed by tools/make_nsv.py
$FF -f lavfi -i "$VID" -c:v libxvid -qscale:v 8 -bf 0 -g 25 $EXACT -f m4v nsv.m4v
$FF -f lavfi -i "$(tone 44100)" -c:a libmp3lame -b:a 48k -write_xing 0 -id3v2_version 0 $EXACT -f mp3 nsv.mp3
python3 "$ROOT/tools/make_nsv.py" nsv.m4v nsv.mp3 320 240 25 sample.nsv

# SWF: Shockwave Flash with Sorenson Spark video and an MP3 sound stream (FFmpeg's swf muxer)
$FF -f lavfi -i "$VID" -f lavfi -i "$(mono 22050)" \
  -c:v flv1 -b:v 200k -c:a libmp3lame -b:a 32k $EXACT -f swf sample.swf

for ext in avi mpeg mpg dat divx xvid rm rmvb mov qt asf wmv vob 3gp mp4 flv avs mkv ts ogm nsv swf; do
  cp "sample.$ext" "$OUT/"
done
ls -l "$OUT"/sample.*
