#!/usr/bin/env bash
# Build tests/media/world/: media written by tools OTHER than FFmpeg (GStreamer 1.x muxers, mkvmerge,
# the x264/x265/vpxenc CLIs, mjpegtools' mpeg2enc+mplex, MEncoder, lame, flac, oggenc, opusenc, sox,
# twolame) plus a few real files shipped in Debian and PyPI packages (listed in SOURCES.txt with their
# origin). FFmpeg muxes none of them, and no FFmpeg tool makes their input either: pictures come from
# GStreamer's videotestsrc (as YUV4MPEG for the CLIs), tones from sox synth / audiotestsrc.
# Then run tools/make_goldens.py on the folder to write the ffprobe answers.
#
#   bash tools/make_world_corpus.sh [OUTDIR]        (default: tests/media/world next to this script's repo)
#
# Made on Debian bookworm: GStreamer 1.22 (gstreamer1.0-plugins-base/-good/-bad/-ugly), mkvtoolnix 74,
# x264 0.164, x265 3.5, vpx-tools 1.12, mjpegtools 2.1, mencoder 1.5, lame, flac, vorbis-tools,
# opus-tools, sox, twolame, plus faketime (muxers that stamp the wall clock get 2023-09-12T08:15:00Z)
# and python3-gi + gir1.2-gstreamer-1.0 (pipelines run through Gst.parse_launch, which also sets the
# file-level tags of the isomp4 muxers that gst-launch cannot).
# Encoders run single-threaded, so a rebuild with the same tool versions gives the same bytes, except in
# the matroskamux/webmmux files (random segment and track UIDs) and the oggmux one (random stream serials):
# GLib seeds those from /dev/urandom. A UID with a leading zero byte is written a byte shorter, so those
# files' Size (and so Bitrate) can move by a byte or two: run make_goldens.py again after a rebuild.
# SKIP_REAL=1 skips the real sample files (their step downloads pinned packages with apt-get download
# and pip download).
#
# What no Debian tool can write, and what this does instead:
# * rotation and a (c)xyz location: GStreamer 1.22's mp4mux/qtmux ignore the image-orientation tag and
#   write geo tags only as 3GPP 'loci' (3gppmux). tools/mp4_patch_boxes.py sets the tkhd matrix and
#   appends (c)xyz to moov/udta of a gst-made file (moov after mdat, so no offset moves).
# * an edit list with an empty edit comes from mp4mux itself (start-gap-threshold + a video stream that
#   starts 0.5 s late); track-level udta/meta from stream-scoped tags (taginject).
# * fragmented MP4: mp4mux fragment-duration (moov+mvex, moof/mdat pairs, mfra at the end) and ismlmux.
#   No Debian tool writes a sidx (CMAF/DASH segments): GStreamer's cmafmux/isofmp4mux live in
#   gst-plugins-rs (not packaged in bookworm), gpac (MP4Box) and Bento4 are not in bookworm, mkvmerge
#   writes Matroska only; dashsink (muxer=mp4) just writes mp4mux fragments (moov+moof+mfra).
# * x264 here is built without lsmash/gpac: its CLI writes raw, .mkv and .flv only.
# * a VCD .dat is a RIFF/CDXA image of a Mode 2 track (vcdimager/cdrdao territory); mplex -f 1 writes
#   the VCD-format MPEG-1 program stream, kept as .mpg.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/tests/media/world}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir media
M=$WORK/media

export TZ=UTC
# a frozen wall clock (the monotonic clock runs on, so GStreamer's waits still work)
frozen() { DONT_FAKE_MONOTONIC=1 faketime -f '2023-09-12 08:15:00' "$@"; }
GI_PYTHON=${GI_PYTHON:-/usr/bin/python3}  # a python3 that has python3-gi (Debian's)
# gst-launch-1.0 re-quotes arguments, so a pipeline kept in one shell string is run through
# Gst.parse_launch (the same parser); it also gives a muxer global (file-level) tags, which gst-launch
# cannot: taginject's are stream-scoped. The muxer to tag is the element named "m".
cat > gstrun.py <<'PY'
import sys, gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
pipeline = Gst.parse_launch(sys.argv[1])
if len(sys.argv) > 2:
    pipeline.get_by_name("m").merge_tags(Gst.TagList.new_from_string(sys.argv[2]), Gst.TagMergeMode.REPLACE)
pipeline.set_state(Gst.State.PLAYING)
message = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
pipeline.set_state(Gst.State.NULL)
if message.type == Gst.MessageType.ERROR:
    sys.exit(f"{message.parse_error()}")
PY
gst() { frozen "$GI_PYTHON" gstrun.py "$@"; }

# sources: videotestsrc with a scrolling SMPTE pattern, audiotestsrc sine, in whole seconds
vsrc() { echo "videotestsrc pattern=smpte horizontal-speed=3 num-buffers=$(($3 * $4)) ! video/x-raw,format=I420,width=$1,height=$2,framerate=$3/1,pixel-aspect-ratio=1/1"; }
asrc() { echo "audiotestsrc wave=sine freq=${4:-523} volume=0.4 samplesperbuffer=$(($1 / 10)) num-buffers=$(($3 * 10)) ! audio/x-raw,format=S16LE,layout=interleaved,rate=$1,channels=$2"; }
H264="x264enc threads=1 sliced-threads=false speed-preset=veryfast bitrate=120 key-int-max=50 ! h264parse"
AAC="audioconvert ! voaacenc bitrate=64000 ! aacparse"
MP3="audioconvert ! lamemp3enc target=bitrate bitrate=64 cbr=true ! mpegaudioparse"
MP2="audioconvert ! twolamemp2enc bitrate=128 ! mpegaudioparse"
MPEG2="mpeg2enc format=3 bitrate=400 ! mpegvideoparse"

# inputs for the command-line encoders (YUV4MPEG from GStreamer, WAV from sox)
gst "$(vsrc 320 240 25 2) ! y4menc ! filesink location=src_320x240.y4m"
gst "$(vsrc 352 288 25 1) ! y4menc ! filesink location=src_352x288.y4m"
SOX="sox -D -R -n"
$SOX -r 44100 -c 2 -b 16 tone44.wav synth 2 sine 523 sine 784 vol 0.5
$SOX -r 44100 -c 2 -b 16 tone44_3s.wav synth 3 sine 440 sine 660 vol 0.5
$SOX -r 48000 -c 2 -b 16 tone48.wav synth 2 sine 523 sine 784 vol 0.5
$SOX -r 22050 -c 1 -b 16 tone22.wav synth 2 sine 440 vol 0.5
$SOX -r 22050 -c 1 -b 16 tone22_1s.wav synth 1 sine 440 vol 0.5
$SOX -r 16000 -c 1 -b 16 tone16_1s.wav synth 1 sine 440 vol 0.5
$SOX -r 8000 -c 1 -b 16 tone8.wav synth 2 sine 440 vol 0.5
gst "videotestsrc pattern=smpte num-buffers=1 ! video/x-raw,width=160,height=160 ! jpegenc quality=60 ! filesink location=cover.jpg"
cat > eng.srt <<'EOF'
1
00:00:00,300 --> 00:00:01,200
The quick brown fox

2
00:00:01,400 --> 00:00:01,900
jumps over the lazy dog
EOF
cat > jpn.srt <<'EOF'
1
00:00:00,250 --> 00:00:01,100
こんにちは世界
EOF

# --- GStreamer 1.x muxers --------------------------------------------------------------------------------
gst "$(vsrc 320 240 25 2) ! $H264 ! mp4mux name=m ! filesink location=$M/gst_mp4mux_h264_aac.mp4 $(asrc 44100 2 2) ! $AAC ! m."
gst "$(asrc 44100 2 2 440) ! $AAC ! mp4mux ! filesink location=$M/gst_mp4mux_aac.m4a"
gst "$(vsrc 320 240 25 1) ! $H264 ! qtmux name=m ! filesink location=$M/gst_qtmux_h264_pcm.mov $(asrc 22050 1 1) ! audioconvert ! m."
gst "$(vsrc 320 240 25 2) ! $H264 ! matroskamux name=m ! filesink location=$M/gst_matroskamux_h264_mp3.mkv $(asrc 44100 2 2) ! $MP3 ! m."
gst "$(vsrc 320 240 25 2) ! vp8enc threads=1 deadline=1 cpu-used=8 target-bitrate=150000 keyframe-max-dist=50 ! webmmux name=m ! filesink location=$M/gst_webmmux_vp8_vorbis.webm $(asrc 44100 2 2) ! audioconvert ! vorbisenc quality=0.0 ! m."
gst "$(vsrc 320 240 25 2) ! vp9enc threads=1 deadline=1 cpu-used=8 target-bitrate=150000 keyframe-max-dist=50 ! webmmux name=m ! filesink location=$M/gst_webmmux_vp9_opus.webm $(asrc 48000 2 2) ! audioconvert ! opusenc bitrate=32000 ! m."
gst "$(vsrc 320 240 25 2) ! $H264 ! flvmux name=m streamable=false ! filesink location=$M/gst_flvmux_h264_aac.flv $(asrc 44100 2 2) ! $AAC ! m."
gst "$(vsrc 320 240 25 2) ! $H264 ! mpegtsmux name=m ! filesink location=$M/gst_mpegtsmux_h264_aac.ts $(asrc 48000 2 2) ! $AAC ! m."
gst "$(vsrc 352 288 25 1) ! $MPEG2 ! mpegtsmux name=m ! filesink location=$M/gst_mpegtsmux_mpeg2_mp2.ts $(asrc 48000 2 1) ! $MP2 ! m."
gst "$(vsrc 352 288 25 1) ! $MPEG2 ! mpegpsmux name=m ! filesink location=$M/gst_mpegpsmux_mpeg2_mp2.mpg $(asrc 48000 2 1) ! $MP2 ! m."
gst "$(vsrc 160 120 15 2) ! jpegenc quality=40 ! avimux name=m ! filesink location=$M/gst_avimux_mjpeg_pcm.avi $(asrc 22050 1 2) ! audioconvert ! m."
gst "$(vsrc 320 240 25 2) ! theoraenc bitrate=150 ! oggmux name=m ! filesink location=$M/gst_oggmux_theora_vorbis.ogv $(asrc 44100 2 2) ! audioconvert ! vorbisenc quality=0.0 ! m."
gst "$(asrc 44100 2 2) ! audioconvert ! lamemp3enc target=bitrate bitrate=96 cbr=true ! taginject tags=\"title=\\\"World tone\\\",artist=GStreamer,album=Corpus,album-artist=Various,composer=Nobody,genre=Test,track-number=(uint)3\" ! id3v2mux ! filesink location=$M/gst_id3v2mux_mp3_tags.mp3"
gst "$(asrc 16000 1 1) ! taginject tags=\"title=\\\"Wave tone\\\",artist=GStreamer\" ! wavenc ! filesink location=$M/gst_wavenc_s16_tags.wav"
gst "$(vsrc 176 144 15 2) ! $H264 ! 3gppmux name=m ! filesink location=$M/gst_3gppmux_h264_aac_loci.3gp $(asrc 16000 1 2) ! $AAC ! m." \
  'taglist,title="3GP clip",artist=Handset,geo-location-name=Hangzhou,geo-location-latitude=30.2741,geo-location-longitude=120.1551,geo-location-elevation=12.0'
# fragmented MP4: moov (with mvex, no samples), then moof/mdat pairs every 500 ms, then mfra
gst "$(vsrc 320 240 25 2) ! $H264 ! mp4mux name=m fragment-duration=500 ! filesink location=$M/gst_mp4mux_fragmented.mp4 $(asrc 44100 2 2) ! $AAC ! m."
# Smooth Streaming (ISML) fragments: moov, moof/mdat pairs, no mfra
gst "$(vsrc 320 240 25 2) ! $H264 ! ismlmux name=m fragment-duration=500 ! filesink location=$M/gst_ismlmux_fragmented.ismv $(asrc 44100 2 2) ! $AAC ! m."
# edit list with an empty edit (media_time -1): the video starts 0.5 s after the audio
gst "videotestsrc pattern=smpte horizontal-speed=3 num-buffers=38 timestamp-offset=500000000 ! video/x-raw,format=I420,width=320,height=240,framerate=25/1 ! $H264 ! mp4mux name=m start-gap-threshold=1 ! filesink location=$M/gst_mp4mux_editlist_gap.mp4 $(asrc 44100 2 2) ! $AAC ! m."
# phone-style: file-level title/artist (moov/udta/meta), a track-level udta/meta (stream tags on the
# video track), then a 90 / 270 degree display matrix and a (c)xyz location patched in
gst "$(vsrc 640 360 30 1) ! $H264 ! taginject tags=\"title=\\\"Back camera\\\"\" ! mp4mux name=m ! filesink location=$M/gst_mp4mux_phone_rot90_xyz.mp4 $(asrc 48000 2 1) ! $AAC ! m." \
  'taglist,title="Phone clip",artist="Pocket Camera"'
python3 "$ROOT/tools/mp4_patch_boxes.py" "$M/gst_mp4mux_phone_rot90_xyz.mp4" --rotate 90 --xyz "+48.8584+002.2945/"
gst "$(vsrc 640 360 30 1) ! $H264 ! qtmux name=m ! filesink location=$M/gst_qtmux_phone_rot270_xyz.mov $(asrc 44100 2 1) ! $AAC ! m." \
  'taglist,title="Selfie",artist="Pocket Camera"'
python3 "$ROOT/tools/mp4_patch_boxes.py" "$M/gst_qtmux_phone_rot270_xyz.mov" --rotate 270 --xyz "+30.2741+120.1551+012.000/"

# --- x264 / x265 / vpxenc command-line tools ---------------------------------------------------------------
# x264 prints its closing "encoded N frames" line whatever the log level: keep it out unless x264 fails
x264_cli() { x264 --quiet --no-progress --threads 1 --preset veryfast --bitrate 120 --keyint 50 "$@" 2> x264.log || {
  cat x264.log >&2; return 1; }; }
x264_cli -o "$M/x264_cli.mkv" src_320x240.y4m
x264_cli -o "$M/x264_cli.flv" src_320x240.y4m
x264_cli --muxer raw -o video.264 src_320x240.y4m
x265 --input src_320x240.y4m --preset ultrafast --bitrate 100 --pools none --frame-threads 1 --log-level error \
  --no-progress --output "$M/x265_cli.hevc"
VPX="vpxenc --quiet --threads=1 --cpu-used=8 --end-usage=cbr --target-bitrate=150 --kf-max-dist=50"
frozen $VPX --codec=vp9 --webm -o "$M/vpxenc_vp9.webm" src_320x240.y4m
$VPX --codec=vp8 --ivf -o "$M/vpxenc_vp8.ivf" src_320x240.y4m

# --- audio command-line encoders ------------------------------------------------------------------------------
lame --quiet -b 128 --tt "Lame CBR" --ta "LAME" --tl "Corpus" --ty 2023 --tn 2 tone44.wav "$M/lame_cbr128_id3.mp3"
lame --quiet -V 5 tone44_3s.wav "$M/lame_vbr_v5_xing.mp3"
lame --quiet -b 64 -m j tone44.wav audio_jpn.mp3
flac --silent --best -T TITLE="Flac tone" -T ARTIST="FLAC" -T ALBUM="Corpus" -o "$M/flac_tags_picture.flac" tone22.wav
metaflac --import-picture-from=cover.jpg "$M/flac_tags_picture.flac"
oggenc --quiet -q 0 --serial 4242 -t "Vorbis tone" -a "oggenc" -o "$M/oggenc_vorbis.ogg" tone44.wav
oggenc --quiet -q 0 --serial 4243 -o audio_eng.ogg tone44.wav
opusenc --quiet --bitrate 32 --serial 4244 --title "Opus tone" --artist "opusenc" tone48.wav "$M/opusenc.opus"
opusenc --quiet --bitrate 32 --serial 4245 tone48.wav audio_fra.opus
sox -D tone22_1s.wav -b 16 "$M/sox_s16.wav"
sox -D tone16_1s.wav -b 24 "$M/sox_s24.wav"
frozen sox -D tone22_1s.wav -b 16 "$M/sox_s16.aiff"  # AIFF COMT stamps the clock
sox -D tone8.wav -e u-law "$M/sox_ulaw.au"
sox -D tone22.wav -e ms-adpcm "$M/sox_ms_adpcm.wav"
sox -D tone22.wav -e ima-adpcm "$M/sox_ima_adpcm.wav"
twolame --quiet -b 128 tone44.wav "$M/twolame.mp2"

# --- mkvmerge: H.264 + three audio languages, two subtitle languages, track names, a cover attachment ----------
frozen mkvmerge --quiet --deterministic 4246 -o "$M/mkvmerge_h264_3audio_2subs_cover.mkv" \
  --title "mkvmerge corpus" \
  --language 0:und --track-name 0:"Main video" --default-duration 0:25fps video.264 \
  --language 0:eng --track-name 0:"English stereo" audio_eng.ogg \
  --language 0:fra --track-name 0:"Français" --default-track-flag 0:no audio_fra.opus \
  --language 0:jpn --track-name 0:"日本語" --default-track-flag 0:no audio_jpn.mp3 \
  --language 0:eng --track-name 0:"English subtitles" eng.srt \
  --language 0:jpn --track-name 0:"日本語字幕" jpn.srt \
  --attachment-name cover.jpg --attachment-mime-type image/jpeg --attachment-description "Cover" --attach-file cover.jpg
frozen mkvmerge --quiet --deterministic 4247 -o "$M/x265_mkvmerge.mkv" \
  --default-duration 0:25fps "$M/x265_cli.hevc"
# raw H.265 has no timestamps GStreamer can use (h265parse leaves PTS unset): take them from
# mkvmerge's file, and let h265timestamper rebuild the DTS that Matroska does not store
gst "filesrc location=$M/x265_mkvmerge.mkv ! matroskademux ! h265parse ! h265timestamper ! mp4mux ! filesink location=$M/x265_gst_mp4mux.mp4"

# --- mjpegtools: mpeg2enc + mp2enc/twolame + mplex ------------------------------------------------------------
$SOX -r 44100 -c 2 -b 16 tone44_1s.wav synth 1 sine 523 sine 784 vol 0.5
$SOX -r 48000 -c 2 -b 16 tone48_1s.wav synth 1 sine 523 sine 784 vol 0.5
twolame --quiet -b 128 tone44_1s.wav m1.mp2
twolame --quiet -b 192 tone48_1s.wav dvd.mp2
mp2enc -V -o vcd.mp2 < tone44_1s.wav 2>/dev/null
# mjpegtools wants the chroma siting spelt out: GStreamer's y4menc writes "C420", mjpegtools reads C420jpeg
{ head -1 src_352x288.y4m | sed 's/ C420 / C420jpeg /'; tail -n +2 src_352x288.y4m; } > src_mjpeg.y4m
mpeg2enc -v 0 -f 0 -b 300 -o m1.m1v < src_mjpeg.y4m
mpeg2enc -v 0 -f 1 -o vcd.m1v < src_mjpeg.y4m
mpeg2enc -v 0 -f 8 -b 600 -o dvd.m2v < src_mjpeg.y4m
mplex -v 0 -f 0 -o "$M/mplex_mpeg1_mp2.mpg" m1.m1v m1.mp2
mplex -v 0 -f 1 -o "$M/mplex_vcd_mpeg1_mp2.mpg" vcd.m1v vcd.mp2
mplex -v 0 -f 8 -o "$M/mplex_dvd_mpeg2_mp2.mpg" dvd.m2v dvd.mp2

# --- MEncoder's AVI muxer (MPEG-4 ASP from its libavcodec, MP3 from LAME) -----------------------------------
mencoder -really-quiet src_320x240.y4m -audiofile tone44.wav -oac mp3lame -lameopts cbr:br=64 \
  -ovc lavc -lavcopts vcodec=mpeg4:vbitrate=200:threads=1 -ffourcc XVID -o "$M/mencoder_mpeg4_mp3.avi" \
  >/dev/null 2>&1

# --- real sample files shipped in packages ----------------------------------------------------------------------
SOURCES=$M/SOURCES.txt
cat > "$SOURCES" <<'EOF'
Origin of every file in this folder. Files named real_* were copied unchanged from the package named
below (file name: package, version, path inside the package). Every other file was written by
tools/make_world_corpus.sh; its name says the tool that muxed it (gst_<muxer>_..., mkvmerge_...,
x264_cli..., x265_..., vpxenc_..., lame_..., flac_..., oggenc_..., opusenc..., sox_..., twolame...,
mplex_..., mencoder_...). FFmpeg muxed none of them.

EOF
{
  echo "Debian packages of the last build's tools:"
  dpkg-query -W -f '  ${Package} ${Version}\n' gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
    gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly mkvtoolnix x264 x265 vpx-tools mjpegtools mencoder \
    lame flac vorbis-tools opus-tools sox twolame faketime 2>/dev/null || true
  echo
} >> "$SOURCES"
real() {  # real DEST SOURCE_FILE ORIGIN
  cp "$2" "$M/$1"
  printf '%s: %s\n' "$1" "$3" >> "$SOURCES"
}
if [ "${SKIP_REAL:-0}" != 1 ]; then
  mkdir -p deb pip x
  (cd deb && apt-get download -qq sound-theme-freedesktop=0.8-2 python3-scipy=1.10.1-2 \
    libpython3.11-testsuite=3.11.2-6+deb12u9 2>/dev/null)
  for deb in deb/*.deb; do
    name=$(basename "$deb"); mkdir -p "x/${name%%_*}"; dpkg-deb -x "$deb" "x/${name%%_*}"
  done
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux2014_x86_64 -d pip pygame==2.6.1
  python3 -m pip download -q --no-deps --no-binary=:all: -d pip mutagen==1.48.1
  (cd x && unzip -q ../pip/pygame-2.6.1-*.whl 'pygame/examples/data/*' && tar xzf ../pip/mutagen-1.48.1.tar.gz)
  FD=x/sound-theme-freedesktop/usr/share/sounds/freedesktop/stereo
  real real_freedesktop_bell.oga $FD/bell.oga "sound-theme-freedesktop 0.8-2 (Debian), /usr/share/sounds/freedesktop/stereo/bell.oga"
  SCIPY=x/python3-scipy/usr/lib/python3/dist-packages/scipy/io/tests/data
  # (its RIFX files with 32-bit samples are left out: ffprobe answers "Not yet implemented in FFmpeg")
  real real_scipy_rifx_be_3ch_s24.wav $SCIPY/test-8000Hz-be-3ch-5S-24bit.wav \
    "python3-scipy 1.10.1-2 (Debian), /usr/lib/python3/dist-packages/scipy/io/tests/data/test-8000Hz-be-3ch-5S-24bit.wav"
  real real_scipy_1ch_ulaw.wav $SCIPY/test-8000Hz-le-1ch-1byte-ulaw.wav \
    "python3-scipy 1.10.1-2 (Debian), /usr/lib/python3/dist-packages/scipy/io/tests/data/test-8000Hz-le-1ch-1byte-ulaw.wav"
  real real_scipy_wavex_2ch_f64.wav $SCIPY/test-48000Hz-2ch-64bit-float-le-wavex.wav \
    "python3-scipy 1.10.1-2 (Debian), /usr/lib/python3/dist-packages/scipy/io/tests/data/test-48000Hz-2ch-64bit-float-le-wavex.wav"
  real real_scipy_2ch_u8.wav $SCIPY/test-8000Hz-le-2ch-1byteu.wav \
    "python3-scipy 1.10.1-2 (Debian), /usr/lib/python3/dist-packages/scipy/io/tests/data/test-8000Hz-le-2ch-1byteu.wav"
  PYT=x/libpython3.11-testsuite/usr/lib/python3.11/test
  real real_cpython_pluck_ulaw.aifc $PYT/audiodata/pluck-ulaw.aifc \
    "libpython3.11-testsuite 3.11.2-6+deb12u9 (Debian), /usr/lib/python3.11/test/audiodata/pluck-ulaw.aifc"
  real real_cpython_pluck_pcm24.au $PYT/audiodata/pluck-pcm24.au \
    "libpython3.11-testsuite 3.11.2-6+deb12u9 (Debian), /usr/lib/python3.11/test/audiodata/pluck-pcm24.au"
  PG=x/pygame/examples/data
  real real_pygame_secosmic_lo_msadpcm.wav $PG/secosmic_lo.wav "pygame 2.6.1 (PyPI wheel), pygame/examples/data/secosmic_lo.wav"
  real real_pygame_blue_mpeg1_system.mpg $PG/blue.mpg "pygame 2.6.1 (PyPI wheel), pygame/examples/data/blue.mpg"
  MU=x/mutagen-1.48.1/tests/data
  for pair in alac.m4a:real_mutagen_alac.m4a covr-with-name.m4a:real_mutagen_covr_with_name.m4a \
    ep7.m4b:real_mutagen_ep7.m4b nero-chapters.m4b:real_mutagen_nero_chapters.m4b \
    no-tags.3g2:real_mutagen_no_tags.3g2 silence-1.wma:real_mutagen_silence_1.wma \
    sample.oggtheora:real_mutagen_sample_theora.ogv \
    empty.spx:real_mutagen_empty.spx silence-44-s.eac3:real_mutagen_silence_44_s.eac3 \
    with-id3.aif:real_mutagen_with_id3.aif silence-2s-PCM-16000-08-ID3v23.wav:real_mutagen_pcm_u8_id3v23.wav \
    xing.mp3:real_mutagen_xing.mp3 silence-44-s-mpeg25.mp3:real_mutagen_mpeg25.mp3 \
    silence-44-s.wv:real_mutagen_silence_44_s.wv; do
    real "${pair#*:}" "$MU/${pair%%:*}" "mutagen 1.48.1 (PyPI sdist), mutagen-1.48.1/tests/data/${pair%%:*}"
  done
fi

for file in "$OUT"/*; do
  case "$file" in *.expected.json) ;; *) rm -f "$file" ;; esac
done
cp "$M"/* "$OUT"/
du -ch "$OUT" | tail -1
